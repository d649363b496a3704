# mprotect needs a page-aligned start and known bits (EINVAL); a zero length succeeds without doing anything.
spawn A
A: a = mmap 0x100000000 8K read private|anonymous|fixed
A: mprotect a+1 4K read|write
A: mprotect a 4K 0x10
A: mprotect a 0 read|write
A: mprotect a 4K read|growsdown
A: maps
