# A file mapping's maps line shows its file offset; splitting it (mprotect, munmap) gives each piece its own offset.
file f size=64K fill='o'
spawn A
A: fd = open f rdonly
A: a = mmap 0x100000000 32K read private fd 16K
A: mprotect a+8K 4K none
A: munmap a+20K 4K
A: maps
