# Shared anonymous memory is a shmem object the size of the first mmap: growing the mapping with mremap gives pages past its end, which raise SIGBUS.
spawn A
A: s = mmap 0x100000000 4K read|write shared|anonymous|fixed
A: store s "shm"
A: mremap s 4K 12K
A: load s 3
A: load s+4K 1
A: store s+8K "x"
A: maps
