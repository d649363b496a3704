# msync argument errors: unknown flag bits are EINVAL (even on unmapped memory), a zero length or no flags succeed, an unaligned length is rounded up, a range past the address space is ENOMEM; on anonymous memory it is a no-op.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: store a "anon"
A: msync a 8K 0x8
A: msync a 8K 0
A: msync a 0 sync
A: msync a 100 sync
A: msync a 8K sync
A: msync a 12K 0
A: msync 0x100100000 4K 0x8
A: msync a 0xfffffffffffff000 sync
A: load a 4
