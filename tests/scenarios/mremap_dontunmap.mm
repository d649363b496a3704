# MREMAP_DONTUNMAP moves the pages to a new mapping and leaves the old range mapped but empty (it reads back as zeros).
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: store a "pages"
A: b = mremap a 8K 8K maymove|dontunmap
A: load b 5
A: load a 5
A: maps
A: mremap a 8K 16K maymove|dontunmap
A: mremap a 8K 8K dontunmap
