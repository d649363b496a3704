# smaps of a file page mapped by two processes: Shared_Clean (or Shared_Dirty) and Pss halved; after one process unmaps, the other's page is Private again.
file f size=8K fill='2'
spawn A
spawn B
A: fd = open f rdonly
A: fsync fd
A: m = mmap 0x100000000 8K read shared fd 0
B: fd = open f rdonly
B: m = mmap 0x100000000 8K read shared fd 0
A: touch m 4K read
B: touch m 4K read
A: smaps
B: munmap m 8K
A: smaps
