# A shrinking mremap unmaps its tail with do_vmi_munmap(), which refuses a tail past TASK_SIZE: an old length near 2^64 is -EINVAL and nothing changes.
spawn P0
P0: m0 = mmap 0x100016000 16K read|write private|anonymous|fixed
P0: m1 = mremap m0 -2M 16K
P0: m1 = mremap m0 -2M 4K
P0: m1 = mremap m0 -4K 4K
P0: m1 = mremap m0 -m0 4K
P0: maps
