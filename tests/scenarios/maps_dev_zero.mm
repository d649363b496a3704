# Shared anonymous memory is a hidden shmem file: maps shows "/dev/zero (deleted)" with offsets; the pieces of one mapping share one inode, another mapping has its own.
spawn A
A: a = mmap 0x100000000 16K read|write shared|anonymous|fixed
A: mprotect a+4K 4K read
A: b = mmap 0x100010000 4K read|write shared|anonymous|fixed
A: maps
A: smaps
