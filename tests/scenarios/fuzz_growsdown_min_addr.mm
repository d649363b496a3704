# Stack growth stops at the kernel's effective mmap_min_addr (the LSM floor too): a fault below it is SIGSEGV (found by mmkit fuzz)
spawn P0
P0: m2 = mmap 0x1000 8K read|write|exec private|anonymous|growsdown
fork P0 P2
fork P2 P3
P3: load 0x1000 4K
