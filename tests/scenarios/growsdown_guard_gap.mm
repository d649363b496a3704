# A grows-down mapping keeps a guard gap (stack_guard_gap, 256 pages) below it: it cannot grow when another mapping lies within the gap, and the access faults instead.
spawn A
A: g = mmap 0x100200000 8K read|write private|anonymous|growsdown|fixed
A: store g-4K "grew"
A: maps
A: m = mmap 0x100100000 4K read private|anonymous|fixed
A: store g-8K "no"
A: munmap m 4K
A: store g-8K "yes"
A: maps
