# msync: MS_SYNC, MS_ASYNC and MS_INVALIDATE succeed on a mapping; both SYNC and ASYNC, or an unaligned start, is EINVAL; an unmapped range is ENOMEM.
file f size=8K fill='m'
spawn A
A: fd = open f rdwr
A: a = mmap 0 8K read|write shared fd 0
A: store a "synced"
A: msync a 8K sync
A: msync a 8K async
A: msync a 8K invalidate
A: msync a 8K sync|async
A: msync a+1 4K sync
A: msync 0x100000000 4K sync
A: msync a 0 sync
cat f 0 6
A: smaps
