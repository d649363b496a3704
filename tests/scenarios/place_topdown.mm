# mmap without a hint places top-down: each new mapping ends where the previous one starts (below the process's own mappings).
spawn A
A: a = mmap 0 4K read private|anonymous
A: b = mmap 0 8K read|write private|anonymous
A: c = mmap 0 4K read|exec private|anonymous
A: d = mmap 0 16K none private|anonymous
A: maps
