# Flag-changing madvise splits off the range and merges it back when the flags return, like mprotect; munmap never merges.
spawn A
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed
A: madvise a+4K 8K dontfork
A: madvise a+4K 4K dofork
A: maps
A: madvise a+8K 4K dofork
A: maps
A: madvise a 16K random
A: smaps
A: munmap a+4K 4K
A: b = mmap a+4K 4K read|write private|anonymous|fixed
A: maps
