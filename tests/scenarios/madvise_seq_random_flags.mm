# MADV_SEQUENTIAL and MADV_RANDOM set the VmFlags sr / rr (one replaces the other), splitting the VMA; MADV_NORMAL clears them and the VMA merges back.
spawn A
A: a = mmap 0x100000000 12K read|write private|anonymous|fixed
A: madvise a 4K sequential
A: madvise a+8K 4K random
A: smaps
A: madvise a 4K random
A: maps
A: madvise a 12K normal
A: smaps
