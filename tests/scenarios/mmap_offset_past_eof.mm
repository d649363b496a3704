# mmap at a file offset past the end of the file succeeds (nothing is checked against the size); every access raises SIGBUS until the file grows.
file f size=4K fill='o'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 4K read|write shared fd 8K
A: load m 1
A: ftruncate fd 12K
A: load m 1
A: pwrite fd 8K "far"
A: load m 3
A: maps
