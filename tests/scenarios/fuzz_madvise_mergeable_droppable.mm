# KSM leaves droppable memory alone (vma_ksm_compatible): MADV_MERGEABLE on it succeeds without marking it, so the VMA stays whole.
spawn P0
P0: m0 = mmap 0 32K read droppable|anonymous
P0: madvise m0+16384 1 mergeable
P0: maps
P0: smaps
