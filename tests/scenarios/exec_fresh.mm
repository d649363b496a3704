# exec gives the process an empty address space (and an empty heap) but keeps its open fds, except those opened with O_CLOEXEC.
file f size=4K text="exec"
spawn A
A: fd = open f rdwr
A: fdc = open f rdonly|cloexec
A: a = mmap 0 4K read|write private|anonymous
A: h = brk 0
A: brk h+8K
A: exec
A: maps
A: load a 1
A: brk 0
A: pread fd 0 4
A: pread fdc 0 4
A: b = mmap 0 4K read shared fd 0
A: load b 4
A: status
