# After fork the child's faulted VMA is chained to its parent's anon_vma too: a new neighbour in the child does not merge, in the parent it does.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: touch a 8K write
fork A B
B: b = mmap 0x100002000 8K read|write private|anonymous|fixed
B: maps
A: b = mmap 0x100002000 8K read|write private|anonymous|fixed
A: maps
