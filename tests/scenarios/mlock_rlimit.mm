# Without CAP_IPC_LOCK, mlock beyond RLIMIT_MEMLOCK (8 MiB) fails with ENOMEM and locks nothing; an unmapped range is ENOMEM too.
spawn A
A: a = mmap 0 9M read|write private|anonymous|noreserve
A: mlock a 9M
A: mlock 0x100000000 4K
A: mlock a 4K
A: status
A: b = mmap 0 9M read private|anonymous|locked
A: maps
