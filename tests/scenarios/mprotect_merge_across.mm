# One mprotect over several adjacent VMAs of different protections gives them the same one, and they merge into a single VMA.
spawn A
A: a = mmap 0x100000000 4K read private|anonymous|fixed
A: b = mmap 0x100001000 4K read|write private|anonymous|fixed
A: c = mmap 0x100002000 4K none private|anonymous|fixed
A: d = mmap 0x100003000 4K read|exec private|anonymous|fixed
A: maps
A: mprotect a 16K read|write
A: maps
