# A faulted VMA next to one that differs only in protection reuses its anon_vma, so an mprotect later merges them.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: b = mmap 0x100002000 8K read private|anonymous|fixed
A: touch a 8K write
A: touch b 8K read
A: mprotect b 8K read|write
A: touch b 8K write
A: maps
A: c = mmap 0x100010000 8K read|write private|anonymous|fixed
A: d = mmap 0x100012000 8K read private|anonymous|fixed
A: touch d 8K read
A: mprotect d 8K read|write
A: touch d 8K write
A: touch c 8K write
A: mprotect c 8K read
A: mprotect c 8K read|write
A: maps
