# mlock faults the range in and locks it (VmFlags lo, smaps Locked, status VmLck); munlock undoes it, and the VMA splits and merges around the locked part.
spawn A
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed
A: mlock a+4K 8K
A: smaps
A: status
A: faults
A: munlock a 16K
A: maps
A: status
