# brk(0) returns the break; growing it creates [heap], shrinking gives pages back, and a break below the start of the heap is refused (the old break is returned).
spawn A
A: h = brk 0
A: h2 = brk h+8K
A: store h "heap"
A: maps
A: smaps
A: h3 = brk h+2
A: load h 4
A: h4 = brk h+12K
A: load h+4K 4
A: brk h-4K
A: brk h
A: maps
