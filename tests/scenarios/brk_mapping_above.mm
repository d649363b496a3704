# A MAP_FIXED mapping over part of the heap replaces those heap pages and is labelled [heap] too (it lies below the break); shrinking the break then unmaps it like heap.
spawn A
A: h = brk 0
A: brk h+8K
A: store h "heap"
A: m = mmap h+4K 4K read private|anonymous|fixed
A: maps
A: brk 0
A: load h 4
A: brk h+4K
A: maps
