# MAP_FIXED of anonymous memory over the middle of a file mapping splits it: the tail piece keeps its file offset, advanced past the replaced pages.
file f size=16K fill='f'
spawn A
A: fd = open f rdonly
A: m = mmap 0x100000000 16K read private fd 0
A: n = mmap 0x100001000 8K read|write private|anonymous|fixed
A: maps
A: load m+12K 1
A: load m+4K 1
