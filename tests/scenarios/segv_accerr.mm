# An access the protection forbids raises SIGSEGV with SEGV_ACCERR: a write to read-only memory, any access to PROT_NONE.
spawn A
A: r = mmap 0 8K read private|anonymous
A: n = mmap 0 4K none private|anonymous
A: x = mmap 0 4K exec private|anonymous
A: store r "x"
A: touch r+4K 4K write
A: load r 4
A: load n 1
A: touch n 4K read
A: load x 1
A: store x "x"
