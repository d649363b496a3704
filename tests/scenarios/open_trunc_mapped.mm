# open(O_TRUNC) of a mapped file truncates it to 0: every page of the mapping then raises SIGBUS until the file grows again.
file f size=8K fill='o'
spawn A
A: fd = open f rdonly
A: a = mmap 0 8K read shared fd 0
A: load a 1
A: fd2 = open f rdwr|trunc
A: load a 1
A: pwrite fd2 0 "again"
A: load a 5
A: load a+4K 1
