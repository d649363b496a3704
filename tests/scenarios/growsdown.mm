# A MAP_GROWSDOWN mapping (VmFlags gd) grows down by itself when an access hits the page just below it.
spawn A
A: g = mmap 0x100010000 8K read|write private|anonymous|growsdown|fixed
A: maps
A: store g-4K "grew"
A: maps
A: load g-4K 4
A: load g-0x100000 1
A: maps
A: smaps
