# MREMAP_FIXED to a destination that overlaps the source range is EINVAL, and nothing changes; a disjoint destination right next to it works.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: store a "src"
A: mremap a 8K 8K maymove|fixed a
A: mremap a 8K 8K maymove|fixed a+4K
A: mremap a 8K 16K maymove|fixed a-4K
A: maps
A: b = mremap a 8K 8K maymove|fixed a+8K
A: load b 3
A: maps
