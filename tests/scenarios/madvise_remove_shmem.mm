# MADV_REMOVE on shared anonymous memory frees the pages of the shmem object: every process sharing it reads zeros there; the other pages keep their data.
spawn A
A: s = mmap 0x100000000 8K read|write shared|anonymous|fixed
A: fill s 8K 'S'
fork A B
B: madvise s 4K remove
A: load s 2
A: load s+4K 2
B: load s 2
A: status
