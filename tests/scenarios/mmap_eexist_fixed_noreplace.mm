# MAP_FIXED_NOREPLACE maps at exactly the address when it is free, and fails with EEXIST if anything is there (even one page of the range).
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed_noreplace
A: mmap 0x100000000 4K read private|anonymous|fixed_noreplace
A: mmap 0x0ffffe000 12K read private|anonymous|fixed_noreplace
A: b = mmap 0x100004000 4K read private|anonymous|fixed_noreplace
A: maps
