# Pages of a file mapping wholly past the end of the file raise SIGBUS (BUS_ADRERR); the tail of the last page reads as zeros.
file f size=100 fill='e'
spawn A
A: fd = open f rdonly
A: a = mmap 0 12K read private fd 0
A: load a+96 8
A: load a+4095 1
A: load a+4096 1
A: load a+4000 200
A: touch a+8K 4K read
