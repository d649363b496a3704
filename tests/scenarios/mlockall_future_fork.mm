# mlockall(MCL_FUTURE) is not inherited across fork: the child's new mappings are neither locked nor populated, while the parent's still are.
spawn A
A: mlockall future
fork A B
B: b = mmap 0x100000000 16K read|write private|anonymous|fixed
B: faults
B: status
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed
A: status
