# munmap needs a page-aligned address and a non-zero length inside the address space (EINVAL); an unaligned length is rounded up.
spawn A
A: a = mmap 0x100000000 16K read private|anonymous|fixed
A: munmap a+1 4K
A: munmap a 0
A: munmap a 0x800000000000
A: munmap -4096 4K
A: munmap a 1
A: maps
