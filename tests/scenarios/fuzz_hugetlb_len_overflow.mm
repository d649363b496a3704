# anonymous MAP_HUGETLB whose length wraps when rounded up to 2 MiB: EINVAL (found by mmkit fuzz)
spawn P0
P0: m0 = mmap 0 -1 read|write anonymous|hugetlb
