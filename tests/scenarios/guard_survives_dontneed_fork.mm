# Guard markers survive MADV_DONTNEED, MADV_FREE, MADV_COLD and MADV_PAGEOUT; fork copies them (the child can remove its own without touching the parent's); a VM_WIPEONFORK child gets none; munmap removes them.
spawn A
A: a = mmap 0 40K read|write private|anonymous
A: fill a 40K 'p'
A: madvise a 20K guard_install
A: madvise a 40K dontneed
A: load a 1
A: load a+20K 1
A: madvise a 40K free
A: madvise a 40K cold
A: madvise a 40K pageout
A: store a+16K "q"
A: mincore a 40K
fork A B
B: load a+4K 1
B: load a+24K 1
B: madvise a 40K guard_remove
B: load a+4K 1
A: load a+4K 1
A: smaps
B: smaps
A: w = mmap 0 16K read|write private|anonymous
A: madvise w 16K wipeonfork
A: madvise w 8K guard_install
fork A C
C: load w 1
A: load w 1
C: smaps
A: munmap a 40K
A: b = mmap a 40K read|write private|anonymous|fixed
A: load b 1
A: smaps
