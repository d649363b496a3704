# brk charges the heap's growth (do_brk_flags): growing it by more than RAM + swap is refused and the old break returned; a small growth still works.
spawn A
A: h = brk 0
A: brk h+8T
A: h2 = brk h+8K
A: store h "heap"
A: maps
