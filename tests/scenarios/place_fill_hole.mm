# Top-down placement takes the highest hole that fits: a hole left by munmap is reused when it is large enough, skipped when not.
spawn A
A: a = mmap 0 32K read private|anonymous
A: mprotect a+8K 4K read|write
A: mprotect a+20K 8K read|exec
A: munmap a+8K 4K
A: munmap a+20K 8K
A: b = mmap 0 4K read|write private|anonymous
A: c = mmap 0 4K none private|anonymous
A: d = mmap 0 8K none private|anonymous
A: e = mmap 0 8K read private|anonymous
A: maps
