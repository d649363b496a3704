# A private file mapping that only read a page still follows the file (write(2) shows through), but after its own store that page is frozen while the other pages keep following.
file f size=8K fill='.'
spawn A
A: fd = open f rdwr
A: p = mmap 0x100000000 8K read|write private fd 0
A: load p 1
A: load p+4K 1
A: pwrite fd 0 "one"
A: load p 3
A: store p+4K "own"
A: pwrite fd 4K "two"
A: pwrite fd 0 "ONE"
A: load p 3
A: load p+4K 3
