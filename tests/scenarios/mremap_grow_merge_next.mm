# mremap that grows a mapping in place up to a compatible next mapping merges the two into one VMA.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: store a "head"
A: b = mmap 0x100004000 4K read|write private|anonymous|fixed
A: maps
A: mremap a 8K 16K
A: maps
A: load a 4
A: load a+8K 1
