# MADV_DONTDUMP sets VmFlags dd on the range (splitting the VMA); MADV_DODUMP clears it and the pieces merge again.
spawn A
A: a = mmap 0x100000000 12K read|write private|anonymous|fixed
A: madvise a+4K 4K dontdump
A: smaps
A: madvise a+4K 4K dodump
A: maps
