# brk cannot grow the heap up to a mapping: it must leave at least one free page below the next VMA, else the old break is returned.
spawn A
A: h = brk 0
A: m = mmap h+16K 4K read|write private|anonymous|fixed
A: brk h+16K
A: brk h+12K+1
A: b = brk h+12K
A: maps
A: munmap m 4K
A: brk h+16K
A: maps
