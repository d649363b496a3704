# Memory given back by shrinking the break is gone: growing the heap again gives zero-filled pages, not the old data.
spawn A
A: h = brk 0
A: brk h+8K
A: fill h 8K 'h'
A: brk h+4K
A: status
A: brk h+8K
A: load h+4K 2
A: load h 2
A: status
