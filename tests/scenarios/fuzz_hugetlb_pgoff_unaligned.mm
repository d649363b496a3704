# anonymous MAP_HUGETLB with an offset not on a huge page: EINVAL from hugetlbfs (found by mmkit fuzz)
spawn P0
P0: fd0 = open f0 rdwr
P0: m0 = mmap -4096 32K write private|anonymous|hugetlb fd0 4K
