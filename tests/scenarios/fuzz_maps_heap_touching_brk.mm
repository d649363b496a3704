# /proc/PID/maps labels [heap] only a VMA overlapping [start_brk, brk)
# (vma_is_initial_heap): with the heap empty, a mapping placed at the break
# is not the heap, nor is one starting at the break after the heap shrank.
spawn P0
P0: h0 = brk 0
P0: m0 = mmap h0 4K read private|anonymous|fixed
P0: maps
P0: munmap m0 4K
P0: h1 = brk h0+5000
P0: maps
P0: m1 = mmap h0+8K 4K read|write private|anonymous|fixed
P0: maps
P0: h2 = brk h0+4K
P0: m2 = mmap h0+4K 4K read private|anonymous|fixed
P0: maps
fork P0 P1
P1: exec
P1: h3 = brk 0
P1: m3 = mmap h3 4K read private|anonymous|fixed
P1: maps
