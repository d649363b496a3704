# mmap refuses an offset that is not page-aligned, and MAP_FIXED at an address that is not (EINVAL); a hint need not be aligned.
file f size=8K fill='a'
spawn A
A: fd = open f rdonly
A: mmap 0 4K read private fd 1
A: mmap 0 4K read private fd 4095
A: mmap 0x100000800 4K read private|anonymous|fixed
A: mmap 0x100000800 4K read private|anonymous|fixed_noreplace
A: a = mmap 0x100000800 4K read private|anonymous
A: maps
