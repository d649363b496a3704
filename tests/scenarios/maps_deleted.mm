# A mapped file that is unlinked stays mapped and readable; maps shows its path with " (deleted)".
file f size=8K fill='d'
spawn A
A: fd = open f rdwr
A: a = mmap 0 8K read|write shared fd 0
A: unlink f
A: maps
A: store a "still"
A: load a 6
A: pread fd 0 6
