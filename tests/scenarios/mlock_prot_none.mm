# mlock of PROT_NONE memory marks it locked (VmFlags lo) but cannot fault it in, so it reports ENOMEM; giving it write access later populates the locked range.
spawn A
A: a = mmap 0x100000000 8K none private|anonymous|fixed
A: mlock a 8K
A: smaps
A: mprotect a 8K read|write
A: smaps
A: status
