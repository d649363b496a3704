# With mlockall(MCL_FUTURE) the heap is locked too: growing it with brk populates and locks the new pages.
spawn A
A: h = brk 0
A: mlockall future
A: brk h+8K
A: status
A: smaps
