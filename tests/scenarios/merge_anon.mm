# Adjacent anonymous private mappings with the same protection merge into one VMA; a different protection keeps them apart.
spawn A
A: a = mmap 0x100000000 4K read|write private|anonymous|fixed
A: b = mmap 0x100001000 4K read|write private|anonymous|fixed
A: c = mmap 0x100002000 4K read private|anonymous|fixed
A: d = mmap 0x0fffff000 4K read|write private|anonymous|fixed
A: maps
A: e = mmap 0x100003000 4K read private|anonymous|fixed
A: f = mmap 0x100004000 4K read private|anonymous|noreserve|fixed
A: g = mmap 0x100005000 4K read shared|anonymous|fixed
A: maps
