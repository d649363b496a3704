# anonymous MAP_HUGETLB with an offset past MAX_LFS_FILESIZE: EOVERFLOW from file_mmap_ok on the hugetlbfs file (found by mmkit fuzz)
spawn P0
P0: fd0 = open f0 rdwr
spawn P1
P1: m0 = mmap 0x100003000 32K read|write|exec shared|anonymous|hugetlb fd0 -4096
