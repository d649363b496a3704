# MREMAP_DONTUNMAP of a locked mapping: the new VMA is locked and populated; the old range stays mapped (still accounted, ac) but unlocked and empty, yet Linux keeps counting it in VmLck.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: mlock a 8K
A: store a "locked"
A: b = mremap a 8K 8K maymove|dontunmap|fixed 0x100100000
A: smaps
A: status
A: load a 1
