# MADV_DONTFORK marks a range (VmFlags dc, splitting the VMA) and the child of a fork does not get it; MADV_DOFORK clears the mark.
spawn A
A: a = mmap 0x100000000 12K read|write private|anonymous|fixed
A: fill a 12K 'p'
A: madvise a+4K 4K dontfork
A: smaps
fork A B
B: maps
B: load a+4K 1
B: load a+8K 1
A: madvise a+4K 4K dofork
A: maps
