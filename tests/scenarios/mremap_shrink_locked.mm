# Shrinking a locked mapping with mremap unlocks and frees the cut pages: VmLck, VmRSS and VmSize all drop, VmPeak stays.
spawn A
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed|locked
A: mremap a 16K 4K
A: status
A: maps
