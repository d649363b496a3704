# munmap of a shared file mapping loses nothing: the stores stay in the page cache (dirty) and a new mapping or read() sees them.
file f size=4K fill='.'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 4K read|write shared fd 0
A: store m "stored"
A: munmap m 4K
A: pread fd 0 6
A: n = mmap 0x100100000 4K read shared fd 0
A: load n 6
A: smaps
