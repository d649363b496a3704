# mremap checks its arguments before looking at the mappings: unknown flags, unaligned addresses, FIXED without MAYMOVE, DONTUNMAP with a size change and a new size past the address space are EINVAL even on unmapped memory; then EFAULT, then ENOMEM.
spawn A
A: a = mmap 0x100000000 4K read|write private|anonymous|fixed
A: b = mmap 0x100001000 4K read private|anonymous|fixed
A: mremap 0x100100000 4K 8K 0x80
A: mremap 0x100100001 4K 8K maymove
A: mremap 0x100100000 4K 8K fixed 0x100200000
A: mremap 0x100100000 4K 8K maymove|dontunmap
A: mremap 0x100100000 4K 4K maymove|fixed 0x100200001
A: mremap 0x100100000 4K 8K
A: mremap a 4K 8K
A: mremap a 4K 0xffffffffffff0000
A: mremap a 4K 0xfffffffffffff001
A: mremap a 8K 16K maymove
A: maps
