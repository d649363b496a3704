# MREMAP_FIXED onto a range covering several mappings and holes unmaps all of them first; the moved pages then fill the whole destination.
spawn A
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed
A: fill a 16K 'm'
A: x = mmap 0x100101000 4K read private|anonymous|fixed
A: y = mmap 0x100103000 8K read|exec private|anonymous|fixed
A: maps
A: b = mremap a 16K 16K maymove|fixed 0x100100000
A: maps
A: load b+4K 2
A: load b+12K 2
