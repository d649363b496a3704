# mremap grows in place when the pages after the mapping are free; when they are not, it fails (ENOMEM) unless MREMAP_MAYMOVE lets it move.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: store a "data"
A: b = mremap a 8K 16K
A: maps
A: c = mmap 0x100004000 4K read private|anonymous|fixed
A: mremap a 16K 32K
A: d = mremap a 16K 32K maymove
A: load d 4
A: load a 4
A: maps
