# A file whose first open is O_RDWR|O_APPEND: append belongs to that open file, not to the file, so MADV_REMOVE of a shared mapping zeroes the page in place and it reads back as zeros, not as the bytes written earlier.
spawn A
A: fd = open f rdwr|creat|append
A: write fd "data"
A: fsync fd
A: m = mmap 0x100000000 4K read|write shared fd 0
A: load m 4
A: madvise m 4K remove
A: load m 4
A: pread fd 0 8
A: write fd "tail"
A: fsync fd
cat f
