# A mapping must be MAP_SHARED or MAP_PRIVATE: with neither (or an unknown type) mmap fails with EINVAL.
file f size=4K fill='a'
spawn A
A: fd = open f rdwr
A: mmap 0 4K read|write anonymous
A: mmap 0 4K read|write 0 fd 0
A: mmap 0x100000000 4K read|write fixed|anonymous
# At address 0 the mmap_min_addr check (EPERM) comes before the type check.
A: mmap 0 4K read|write fixed|anonymous
A: mmap 0 4K read|write 0x0f|anonymous
A: maps
