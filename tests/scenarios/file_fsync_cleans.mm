# fsync of the fd writes back pages dirtied through a shared mapping: smaps counts them clean afterwards; a new store dirties the page again.
file f size=8K fill='d'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 8K read|write shared fd 0
A: touch m 8K write
A: smaps
A: fsync fd
A: smaps
A: store m "again"
A: smaps
