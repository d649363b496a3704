# MAP_FIXED_NOREPLACE overlapping an existing mapping by one page at either end fails with EEXIST and maps none of the free pages; just next to it it succeeds.
spawn A
A: m = mmap 0x100004000 8K read private|anonymous|fixed
A: mmap 0x100001000 16K read|write private|anonymous|fixed_noreplace
A: mmap 0x100005000 16K read|write private|anonymous|fixed_noreplace
A: mmap 0x100003000 4K read|write private|anonymous|fixed_noreplace
A: mmap 0x100006000 4K read|write private|anonymous|fixed_noreplace
A: mmap 0x100003001 4K read|write private|anonymous|fixed_noreplace
A: maps
