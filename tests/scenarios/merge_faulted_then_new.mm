# A faulted VMA (it owns an anon_vma) still merges with a new unfaulted neighbour: the new one takes its anon_vma.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: touch a 8K write
A: b = mmap 0x100002000 8K read|write private|anonymous|fixed
A: maps
A: b2 = mmap 0x0ffffe000 8K read|write private|anonymous|fixed
A: maps
