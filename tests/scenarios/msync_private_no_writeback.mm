# msync(MS_SYNC) of a private file mapping writes nothing to the file: its stores live in anonymous copies.
file f size=4K fill='.'
spawn A
A: fd = open f rdwr
A: p = mmap 0x100000000 4K read|write private fd 0
A: store p "private"
A: msync p 4K sync
A: fsync fd
cat f 0 7
A: pread fd 0 7
