# A file that cannot be mapped (a directory) gives ENODEV.
spawn A
A: fd = open . rdonly
A: mmap 0 4K read private fd 0
A: mmap 0 4K read shared fd 0
A: maps
