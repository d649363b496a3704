# ftruncate that grows a mapped file makes the new pages readable as zeros; a store there reaches the file.
file f size=4K fill='t'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 12K read|write shared fd 0
A: store m+4K "x"
A: ftruncate fd 10000
A: load m+4K 4
A: store m+8K "end"
A: load m+12K-1 1
cat f 8K 3
cat f 10000-1 1
