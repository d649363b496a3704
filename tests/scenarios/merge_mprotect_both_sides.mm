# mprotect of the middle third back to the neighbours' protection merges all three (prev, middle and next become one VMA), faulted or not.
spawn A
A: a = mmap 0x100000000 12K read|write private|anonymous|fixed
A: touch a 12K write
A: mprotect a+4K 4K read
A: maps
A: mprotect a+4K 4K read|write
A: maps
A: mprotect a 4K read
A: mprotect a+8K 4K read
A: maps
A: mprotect a 12K read|write
A: maps
