# mprotect with PROT_GROWSDOWN applies the change from the address down to the start of a grows-down VMA; on a VMA without VM_GROWSDOWN it is EINVAL.
spawn A
A: g = mmap 0x100010000 16K read|write private|anonymous|growsdown|fixed
A: mprotect g+8K 4K read|growsdown
A: maps
A: a = mmap 0x100100000 16K read|write private|anonymous|fixed
A: mprotect a+8K 4K read|growsdown
A: mprotect a+8K 4K read|growsdown|growsup
A: maps
