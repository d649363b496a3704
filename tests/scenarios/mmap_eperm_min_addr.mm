# An unprivileged process cannot map below vm.mmap_min_addr: MAP_FIXED at 0 is EPERM, while a hint of 0 means "anywhere".
spawn A
A: mmap 0 4K read private|anonymous|fixed
A: mmap 0 4K read private|anonymous|fixed_noreplace
A: a = mmap 0 4K read private|anonymous
A: maps
