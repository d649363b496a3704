# MADV_HUGEPAGE and MADV_NOHUGEPAGE set VmFlags hg / nh on anonymous memory (one clears the other); they split the VMA like any flag change.
spawn A
A: a = mmap 0x100000000 12K read|write private|anonymous|fixed
A: madvise a 4K hugepage
A: madvise a+8K 4K nohugepage
A: smaps
A: madvise a 4K nohugepage
A: maps
