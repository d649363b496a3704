# exec discards every mapping, locks and mlockall(MCL_FUTURE) included: the new image starts unlocked with an empty map, and the old addresses fault.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed|locked
A: mlockall future
A: exec
A: maps
A: load 0x100000000 1
A: b = mmap 0x100000000 4K read|write private|anonymous|fixed
A: status
