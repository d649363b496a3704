# mincore errors: an unaligned start is EINVAL, a range with a hole or past the address space is ENOMEM (even when it starts mapped), a zero length is 0; PROT_NONE memory is still reported.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: touch a 4K write
A: mprotect a 8K none
A: mincore a 8K
A: mincore a 0
A: mincore a+1 0
A: mincore a 12K
A: mincore 0x100100000 0
A: mincore 0x7ffffffff000 8K
A: mincore 0xfffffffffffff000 4K
A: mincore a 100
