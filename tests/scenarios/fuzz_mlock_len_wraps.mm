# mlock and munlock page-align start's offset + len; a length that wraps to 0 there locks nothing and succeeds, one that does not wrap is checked against RLIMIT_MEMLOCK (-ENOMEM) or the end of the address space (-EINVAL).
spawn P0
P0: m0 = mmap 0x10000 4K read private|anonymous
P0: mlock m0 -1 onfault
P0: mlock m0 -1
P0: mlock m0+1 -1
P0: mlock m0+1 -2
P0: munlock m0 -1
P0: munlock m0+1 -1
P0: mlock m0 -4096
P0: mlock m0 -4097
P0: munlock m0 -4096
P0: munlock m0+1 -4095
P0: status
