# PROT_NONE makes every access fault with SEGV_ACCERR (the mapping exists); the data is still there once access is given back.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: store a "kept"
A: mprotect a 8K none
A: load a 4
A: store a+4K "x"
A: touch a 4K read
A: mprotect a 8K read
A: load a 4
A: store a "y"
