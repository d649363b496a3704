# A private file mapping inherited by fork: the child's store copies the page for the child only; pages neither wrote keep following the file.
file f size=8K fill='.'
spawn A
A: fd = open f rdwr
A: p = mmap 0x100000000 8K read|write private fd 0
A: load p 1
fork A B
B: store p "kid"
A: load p 3
A: pwrite fd 0 "new"
A: pwrite fd 4K "NEW"
A: load p 3
B: load p 3
B: load p+4K 3
