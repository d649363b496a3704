# An fd opened read-only maps shared read-only or private read-write, but not shared writable (EACCES).
file f size=4K fill='a'
spawn A
A: fd = open f rdonly
A: mmap 0 4K read|write shared fd 0
A: mmap 0 4K write shared fd 0
A: a = mmap 0 4K read shared fd 0
A: b = mmap 0 4K read|write private fd 0
A: store b "private"
A: load b 8
A: load a 8
A: maps
cat f 0 8
