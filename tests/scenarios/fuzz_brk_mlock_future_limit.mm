# After mlockall(MCL_FUTURE) brk's growth would be locked: check_brk_limits() refuses growth beyond RLIMIT_MEMLOCK (8 MiB), and the break stays; growth within it is populated and counted locked.
spawn P
P: h = brk 0
P: brk h+1G
P: brk h
P: brk 0x7ffffffff000
P: brk -1
P: brk 0x100000000
P: brk h
P: mlockall future
P: brk h+16M
P: brk h+4M
P: brk h+16K
P: status
