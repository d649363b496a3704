# A moved anonymous VMA that has pages keeps its pgoff, so it does not merge at the new place; one without pages takes the new address's pgoff and merges.
spawn A
A: n = mmap 0x100010000 8K read|write private|anonymous|fixed
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: touch a 8K write
A: m = mremap a 8K 8K maymove|fixed 0x10000e000
A: maps
A: b = mmap 0x100020000 8K read|write private|anonymous|fixed
A: m2 = mremap b 8K 8K maymove|fixed 0x100012000
A: maps
