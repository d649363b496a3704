# mmap of length 0 fails with EINVAL, with or without a file; nothing is mapped.
file f size=4K fill='a'
spawn A
A: fd = open f rdwr
A: mmap 0 0 read|write private|anonymous
A: mmap 0 0 read shared fd 0
A: mmap 0x100000000 0 read private|anonymous|fixed
A: maps
