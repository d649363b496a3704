# Closing the fd does not end a file mapping: the mapping keeps the file open, and its stores still reach the file.
file f size=4K fill='c'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 4K read|write shared fd 0
A: close fd
A: store m "closed"
cat f 0 6
A: maps
A: fd2 = open f rdonly
