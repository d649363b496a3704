# mremap of a file mapping keeps its file and offset; growing it past the end of the file maps pages that raise SIGBUS.
file f size=8K fill='r'
spawn A
A: fd = open f rdonly
A: a = mmap 0 4K read shared fd 4K
A: b = mremap a 4K 12K maymove
A: maps
A: load b 2
A: load b+4K 1
