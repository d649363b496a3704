# mprotect of the middle of a mapping splits it in three; restoring the protection merges the pieces back into one VMA.
spawn A
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed
A: mprotect a+4K 8K read
A: maps
A: mprotect a+4K 4K read|write
A: maps
A: mprotect a+8K 4K read|write
A: maps
