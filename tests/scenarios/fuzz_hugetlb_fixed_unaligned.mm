# anonymous MAP_HUGETLB at a fixed address that is not 2 MiB aligned: EINVAL before any reservation
# (found by mmkit fuzz, shrunk)
spawn P0
fork P0 P1
fork P1 P3
P3: m4 = mmap 0x100006000 64K none shared|anonymous|fixed|hugetlb
