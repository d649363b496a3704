# The break need not be page-aligned: brk returns the exact value asked for, the heap VMA covers it rounded up to a page, and bytes up to the page end are usable.
spawn A
A: h = brk 0
A: brk h+1
A: maps
A: store h+4K-1 "x"
A: load h+4K 1
A: brk h+4097
A: maps
A: brk h+4096
A: maps
