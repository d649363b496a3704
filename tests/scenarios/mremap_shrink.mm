# mremap to a smaller size shrinks in place: the address stays, the tail is unmapped, the head keeps its data.
spawn A
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed
A: fill a 16K 's'
A: b = mremap a 16K 4K
A: load b 1
A: load a+4K 1
A: maps
