# mremap of a range that ends inside a VMA cannot grow in place (ENOMEM); with MREMAP_MAYMOVE that part is moved out and the VMA is split around the hole.
spawn A
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed
A: fill a 16K 'x'
A: store a+4K "mid"
A: mremap a+4K 4K 8K
A: b = mremap a+4K 4K 8K maymove
A: load b 3
A: load b+4K 1
A: load a+4K 1
A: maps
