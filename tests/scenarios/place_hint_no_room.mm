# A free hint whose range would run into the next mapping is not honoured: the kernel places the mapping top-down instead; a hint that fits exactly before it is.
spawn A
A: n = mmap 0x100004000 4K read private|anonymous|fixed
A: a = mmap 0x100002000 12K read private|anonymous
A: b = mmap 0x100002000 8K read private|anonymous
A: maps
