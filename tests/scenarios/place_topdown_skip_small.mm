# Top-down placement of a large mapping skips every hole too small for it and goes below the lowest mapping; a small one then fills the highest hole.
spawn A
A: a = mmap 0 4K read private|anonymous
A: b = mmap 0 8K read|write private|anonymous
A: c = mmap 0 4K read private|anonymous
A: munmap b 4K
A: d = mmap 0 8K read private|anonymous
A: e = mmap 0 4K read|write private|anonymous
A: maps
