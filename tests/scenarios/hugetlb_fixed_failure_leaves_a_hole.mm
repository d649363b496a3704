# MAP_HUGETLB with no huge pages: a MAP_FIXED mapping over existing ones fails only after mmap_region has cleared what it replaces, so the old mappings are gone (vms_abort_munmap_vmas leaves a hole), for -ENOMEM (the reservation) and -EINVAL (an offset not on a huge page) alike.  The checks before that leave them alone: MAP_FIXED_NOREPLACE (-EEXIST), the mlock limit (-EAGAIN).
spawn P0
P0: a = mmap 0x100000000 8K read|write shared|anonymous|fixed
P0: b = mmap 0x100003000 4K read private|anonymous|fixed
P0: store a "keep"
P0: h = mmap 0x100000000 8K read|write shared|anonymous|fixed_noreplace|hugetlb
P0: l = mmap 0x100000000 16M read|write private|anonymous|fixed|hugetlb|locked
P0: maps
P0: h = mmap 0x100000000 8K read|write shared|anonymous|fixed|hugetlb
P0: maps
P0: load a 4
P0: c = mmap 0x100400000 4K read private|anonymous|fixed
P0: u = mmap 0x100400000 4K read private|anonymous|fixed|hugetlb 4K
P0: maps
P0: status
