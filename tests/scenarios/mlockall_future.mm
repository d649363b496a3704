# mlockall(MCL_FUTURE) locks (and populates) every mapping made afterwards; munlockall ends it.
spawn A
A: mlockall future
A: a = mmap 0 8K read|write private|anonymous
A: smaps
A: munlockall
A: b = mmap 0 8K read|write private|anonymous
A: maps
A: status
