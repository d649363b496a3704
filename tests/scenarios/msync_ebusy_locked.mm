# msync(MS_INVALIDATE) of a locked mapping fails with EBUSY; MS_SYNC alone on it is fine, and after munlock MS_INVALIDATE is too.
file f size=8K fill='l'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 8K read|write shared fd 0
A: mlock m+4K 4K
A: msync m 4K invalidate
A: msync m 8K invalidate
A: msync m 8K sync|invalidate
A: msync m 8K sync
A: munlock m 8K
A: msync m 8K invalidate
