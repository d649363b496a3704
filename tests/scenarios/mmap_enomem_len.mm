# A length larger than the address space (or one that overflows when rounded to pages) is ENOMEM.
spawn A
A: mmap 0 0x800000000000 read private|anonymous
A: mmap 0 0xfffffffffffff001 read private|anonymous
A: mmap 0 0x7ffff0000000 read private|anonymous
A: maps
