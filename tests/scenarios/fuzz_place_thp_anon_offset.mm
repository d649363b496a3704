# The offset of an anonymous mapping is ignored by placement ("always treat pgoff as zero for anonymous memory"): a 2 MiB one is THP-aligned whatever offset it was given, even one that would overflow.
file f0 size=4K
spawn P0
P0: fd0 = open f0 rdwr
P0: m0 = mmap 0 2M-1 read private|anonymous fd0 0xfffffffffffff000
P0: m1 = mmap 0 2M read private|anonymous -1 4K
P0: m2 = mmap 0 4M read|write private|anonymous -1 0x7ffffffffffff000
P0: maps
