# VmPeak after an mremap move is what it was before the move, not old+new (found by mmkit fuzz)
spawn P0
P0: m1 = mmap 0 8K none private|anonymous
P0: m2 = mremap m1 8K 32K maymove
P0: status
