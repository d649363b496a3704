# MS_ASYNC starts no writeback on Linux: the stored page stays dirty (smaps Shared/Private_Dirty) until MS_SYNC writes it and cleans it.
file f size=8K fill='a'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 8K read|write shared fd 0
A: store m "dirty"
A: msync m 8K async
A: smaps
A: msync m 8K sync
A: smaps
cat f 0 5
