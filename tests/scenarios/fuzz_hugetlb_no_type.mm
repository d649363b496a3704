# anonymous MAP_HUGETLB without shared/private: EINVAL (the type check comes before the reservation)
# (found by mmkit fuzz, shrunk)
spawn P0
P0: m0 = mmap 0 64K read private|anonymous|populate|locked
spawn P1
P1: m2 = mmap m0 32K read|growsdown anonymous|hugetlb
