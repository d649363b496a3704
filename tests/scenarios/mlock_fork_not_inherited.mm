# Memory locks are not inherited across fork: the child's copy of a locked mapping has no VmFlags lo and its VmLck is 0, while the parent's stay.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: mlock a 8K
fork A B
B: smaps
B: status
A: status
