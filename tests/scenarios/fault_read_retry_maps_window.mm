# A read fault that has to read its page drops mmap_lock for the I/O: filemap_fault returns VM_FAULT_RETRY and the fault runs again, fault-around first, so the pages read around it are mapped at once (the 16-page window), counted as one major fault.  With MADV_RANDOM only the page read is cached, and only it is mapped.  16-page files of holes, so any read_ahead_kb covers them whole.
file f0 size=0
spawn P0
P0: fd0 = open f0 rdwr
P0: ftruncate fd0 64K
P0: m = mmap 0x100000000 64K read shared fd0
P0: load 0x100003000 1
P0: faults
P0: mincore m 64K
P0: fd1 = open g0 rdwr|creat
P0: ftruncate fd1 64K
P0: r = mmap 0x100100000 64K read shared fd1
P0: madvise r 64K random
P0: load 0x100103000 1
P0: faults
P0: mincore r 64K
P0: smaps
