# A free hint is honoured exactly; an occupied (or partly occupied) hint is not, and the kernel places the mapping top-down instead.
spawn A
A: a = mmap 0x100000000 8K read private|anonymous
A: b = mmap 0x100000000 4K read|write private|anonymous
A: c = mmap 0x0fffff000 8K read|write private|anonymous
A: d = mmap 0x100010000 4K read|exec private|anonymous
A: maps
