# One munmap may span several mappings and the holes between them; unmapping a range with nothing in it succeeds too.
spawn A
A: a = mmap 0x100000000 8K read private|anonymous|fixed
A: b = mmap 0x100004000 8K read|write private|anonymous|fixed
A: c = mmap 0x10000a000 8K read|exec private|anonymous|fixed
A: munmap a+4K 0xa000
A: maps
A: munmap 0x100100000 1M
A: munmap a 64K
A: maps
