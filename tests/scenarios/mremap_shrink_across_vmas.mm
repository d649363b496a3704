# mremap shrinking in place does not care that the old range spans several VMAs: everything past the new size is unmapped.
spawn A
A: a = mmap 0x100000000 16K read private|anonymous|fixed
A: mprotect a 4K none
A: mprotect a+8K 4K read|write
A: maps
A: mremap a 16K 8K
A: maps
A: mremap a 8K 4K
A: maps
