# mlock of a shared file mapping faults in every page of it (Rss and Locked as the file pages), without dirtying them.
file f size=12K fill='L'
spawn A
A: fd = open f rdonly
A: m = mmap 0x100000000 12K read shared fd 0
A: mlock m 12K
A: smaps
A: status
A: faults
