# Two separately locked adjacent pieces merge into one locked VMA; unlocking all of it merges it with the unlocked rest again.
spawn A
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed
A: mlock a+4K 4K
A: mlock a+8K 4K
A: maps
A: status
A: munlock a+4K 8K
A: maps
A: munlock a 16K
A: mlock 0x100100000 4K
A: munlock 0x100100000 4K
