# Unmapping or mapping over part of a locked range drops those pages from VmLck; the remaining locked parts stay locked.
spawn A
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed
A: mlock a 16K
A: munmap a+4K 4K
A: status
A: mmap a+12K 4K read|write private|anonymous|fixed
A: status
A: maps
