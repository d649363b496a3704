# MADV_REMOVE on a shared file mapping punches a hole in the file: the range reads back as zeros through the mapping and the file, whose size stays; a private mapping refuses it (EACCES), anonymous memory too (EINVAL).
file f size=12K fill='r'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 12K read|write shared fd 0
A: madvise m+4K 4K remove
A: load m+4K 4
A: load m 1
A: load m+8K 1
cat f 4K 4
cat f 12K-1 1
A: p = mmap 0x100100000 4K read|write private fd 0
A: madvise p 4K remove
A: a = mmap 0x100200000 4K read|write private|anonymous|fixed
A: madvise a 4K remove
