# Shared anonymous memory is charged whole when it is created, whatever its protection (shmem_acct_size): 8T is refused even read-only, unless MAP_NORESERVE.
spawn A
A: mmap 0 8T read|write shared|anonymous
A: mmap 0 8T read shared|anonymous
A: n = mmap 0 8T read|write shared|anonymous|noreserve
A: s = mmap 0 64K read|write shared|anonymous
A: smaps
