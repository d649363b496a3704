# MAP_32BIT places a mapping bottom-up from 1 GiB, below 2 GiB, whatever the hint; the next one goes right after it (and merges).
spawn A
A: a = mmap 0 8K read|write private|anonymous|32bit
A: b = mmap 0 4K read|write private|anonymous|32bit
A: c = mmap 0x100000000 4K read private|anonymous|32bit
A: maps
A: munmap a 4K
A: d = mmap 0 4K read|write private|anonymous|32bit
A: maps
