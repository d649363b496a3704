# MAP_FIXED at addresses near 2^64: -4096 is no error value, so Linux says ENOMEM; an address in the last 4095 values is returned as is, read by the caller as that errno (here -EINVAL = 0xffffffffffffffea).
spawn P
P: a = mmap -4096 4K read|write private|anonymous|fixed_noreplace
P: b = mmap -4096 4K read|write private|anonymous|fixed
P: c = mmap 0xffffffffffffffea 4K read|write private|anonymous|fixed
P: d = mmap 0x800000000000 4K read|write private|anonymous|fixed
P: maps
