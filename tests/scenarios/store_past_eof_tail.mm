# Bytes stored in the last page of a shared mapping beyond the end of the file never reach the file; extending the file shows zeros there.
file f size=100 fill='x'
spawn A
A: fd = open f rdwr
A: a = mmap 0 4K read|write shared fd 0
A: store a+98 "ABCD"
A: load a+98 4
cat f 96 10
A: msync a 4K sync
A: munmap a 4K
A: ftruncate fd 200
cat f 96 8
