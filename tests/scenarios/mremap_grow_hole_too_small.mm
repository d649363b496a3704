# mremap cannot grow in place over a mapped page even when only one page of the growth is taken: ENOMEM, and both mappings stay as they were.
spawn A
A: a = mmap 0x100000000 12K read|write private|anonymous|fixed
A: munmap a+4K 4K
A: mremap a 4K 12K
A: mremap a 4K 8K
A: maps
A: munmap a+8K 4K
A: mremap a 8K 16K
A: maps
