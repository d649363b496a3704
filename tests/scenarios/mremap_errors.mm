# mremap's argument errors: unaligned address or zero new length is EINVAL, an unmapped old range is EFAULT, a range spanning two mappings is EFAULT.
spawn A
A: a = mmap 0x100000000 8K read private|anonymous|fixed
A: b = mmap 0x100002000 8K read|write private|anonymous|fixed
A: mremap a+1 4K 8K maymove
A: mremap a 4K 0 maymove
A: mremap 0x100100000 4K 8K maymove
A: mremap a 16K 32K maymove
A: mremap a 8K 4K 0x10
A: maps
