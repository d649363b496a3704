# VmPeak is the largest VmSize the process has had: it stays after munmap and moves only when the address space grows past it again.
spawn A
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed
A: munmap a 16K
A: b = mmap 0x100000000 8K read|write private|anonymous|fixed
A: status
A: c = mmap 0x100100000 12K read|write private|anonymous|fixed
A: status
A: mprotect b 8K read
A: munmap c 12K
A: status
