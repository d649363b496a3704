# MREMAP_FIXED moves a mapping to the given address (replacing what was there) and needs MREMAP_MAYMOVE (EINVAL without).
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: store a "moved"
A: t = mmap 0x100100000 16K read private|anonymous|fixed
A: mremap a 8K 8K fixed 0x100100000
A: b = mremap a 8K 8K maymove|fixed 0x100101000
A: load b 5
A: load a 1
A: maps
A: mremap b 8K 8K maymove|fixed 0x100101800
A: mremap b 8K 8K maymove|fixed b+4K
