# A file mapping needs an open fd: a closed or never-opened fd, or -1 without MAP_ANONYMOUS, is EBADF; with MAP_ANONYMOUS the fd is ignored.
file f size=4K fill='a'
spawn A
A: fd = open f rdwr
A: mmap 0 4K read private 99
A: mmap 0 4K read private -1
A: close fd
A: mmap 0 4K read shared fd 0
A: a = mmap 0 4K read private|anonymous 99
A: maps
