# MAP_FIXED replaces whatever was there: the old mapping is split around the new one and the replaced pages' contents are gone.
spawn A
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed
A: fill a 16K 'x'
A: b = mmap a+4K 8K read private|anonymous|fixed
A: load a 1
A: load a+4K 1
A: load a+12K 1
A: maps
