# An unlinked file lives on while mapped or open: stores through its shared mapping are still read back through the open fd, and a new file of the same name is another file.
file f size=4K fill='u'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 4K read|write shared fd 0
A: unlink f
A: store m "ghost"
A: pread fd 0 5
file f size=4K fill='n'
A: fd2 = open f rdonly
A: n = mmap 0x100100000 4K read shared fd2 0
A: load n 5
A: load m 5
A: maps
