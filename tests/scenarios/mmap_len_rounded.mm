# An mmap length that is not a page multiple is rounded up: the whole last page is mapped and usable, and the next page is not.
spawn A
A: a = mmap 0x100000000 5000 read|write private|anonymous|fixed
A: maps
A: store a+8K-1 "x"
A: load a+8K 1
A: munmap a 5000
A: maps
