# MADV_GUARD_INSTALL puts guard markers over present and absent pages (zapping what was there): any access to them is SIGSEGV; the pages beside them are untouched; MADV_GUARD_REMOVE leaves empty PTEs (zero-filled anonymous memory).
spawn A
A: a = mmap 0 40K read|write private|anonymous
A: fill a 40K 'x'
A: madvise a+8K 8K guard_install
A: load a+8K 1
A: store a+12K "y"
A: load a+4K 1
A: load a+16K 1
A: madvise a+4K 24K guard_install
A: load a+4K 1
A: load a+24K 1
A: load a+28K 1
A: smaps
A: mincore a 40K
A: madvise a 40K guard_remove
A: load a+8K 1
A: load a+28K 1
A: mincore a 40K
A: smaps
