# msync(MS_SYNC) over a range with a hole keeps going: it writes back the mappings after the hole too, then reports ENOMEM; MS_ASYNC stops at the hole.
file f size=4K fill='f'
file g size=4K fill='g'
spawn A
A: fd = open f rdwr
A: gd = open g rdwr
A: a = mmap 0x100000000 4K read|write shared fd 0
A: b = mmap 0x100002000 4K read|write shared gd 0
A: store a "AAAA"
A: store b "BBBB"
A: msync a 12K async
A: msync a 12K sync
A: smaps
A: msync 0x100001000 8K invalidate
A: msync 0x100001000 4K sync
