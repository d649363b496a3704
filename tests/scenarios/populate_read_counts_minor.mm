# A fault of mm_populate (here mlock's) that has to read its page counts as minor: on Linux the read drops mmap_lock and returns VM_FAULT_RETRY, which is not counted, and __mm_populate starts that page over, now cached.  A user fault that reads counts major (its retry has FAULT_FLAG_TRIED).  MADV_RANDOM keeps readahead out of it: each fault reads its own page only, whatever the host's read_ahead_kb.
file f0 size=100 fill='a'
spawn P0
P0: fd0 = open f0 rdwr
P0: ftruncate fd0 1M
P0: m1 = mmap 0 16K read shared fd0 256K
P0: madvise m1 16K random
P0: mlock m1 16K
P0: faults
P0: mincore m1 16K
P0: m2 = mmap 0 16K read shared fd0 512K
P0: madvise m2 16K random
P0: touch m2 8K read
P0: faults
P0: mincore m2 16K
