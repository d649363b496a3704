# MADV_HWPOISON (100) and MADV_SOFT_OFFLINE (101): unknown advice (-EINVAL) on a kernel without CONFIG_MEMORY_FAILURE; with it, the range is checked first (an unaligned start -EINVAL, an empty range 0) and then CAP_SYS_ADMIN is missing (-EPERM).  `mmkit check` mirrors the host's configuration.
spawn P
P: a = mmap 0 8K read|write private|anonymous
P: madvise a 4K 100
P: madvise a 4K 101
P: madvise a+1 4K 100
P: madvise a 0 101
P: madvise 0 4K 100
P: madvise a -1 100
