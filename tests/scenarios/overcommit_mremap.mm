# mremap growing an accounted (private writable) mapping charges the growth, in place or moved: beyond RAM + swap it is ENOMEM; a read-only mapping grows freely.
spawn A
A: a = mmap 0x100000000 4K read|write private|anonymous|fixed
A: store a "a"
A: mremap a 4K 8T
A: mremap a 4K 8T maymove
A: r = mmap 0 4K read private|anonymous
A: r2 = mremap r 4K 8T+4K maymove
A: maps
A: load a 1
