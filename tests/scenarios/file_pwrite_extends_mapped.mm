# A mapping may reach past the end of its file; pwrite that extends the file makes those pages readable (SIGBUS before), with the new data and zeros after it.
file f size=4K fill='a'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 12K read|write shared fd 0
A: load m+4K 1
A: pwrite fd 4K "grown"
A: load m+4K 6
A: load m+8K 1
A: store m+4K+100 "more"
cat f 4K 5
cat f 4K+100 4
