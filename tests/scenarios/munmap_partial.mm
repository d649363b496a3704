# munmap of the head, the tail and the middle of one mapping trims it and splits it in two; the rest keeps its contents.
spawn A
A: a = mmap 0x100000000 32K read|write private|anonymous|fixed
A: fill a 32K 'q'
A: munmap a 4K
A: munmap a+28K 4K
A: munmap a+12K 8K
A: maps
A: load a+4K 1
A: load a+20K 1
A: load a+12K 1
