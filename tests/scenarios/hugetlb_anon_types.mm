# Anonymous MAP_HUGETLB maps a hugetlbfs file, so its type is checked as a file's: MAP_SHARED_VALIDATE is a type (its unknown flags -EOPNOTSUPP), MAP_GROWSDOWN is -EINVAL, and a fixed address below mmap_min_addr -EPERM; with no huge pages the rest is -ENOMEM.
spawn P
P: mmap 0 2M read shared_validate|anonymous|hugetlb
P: mmap 0 2M read shared_validate|anonymous|hugetlb|sync
P: mmap 0 2M read shared_validate|anonymous|hugetlb|0x800000
P: mmap 0 2M read shared_validate|anonymous|hugetlb|0x200000
P: mmap 0 2M read shared|anonymous|hugetlb|0x800000
P: mmap 0 2M read shared_validate|anonymous|hugetlb|growsdown
P: mmap 0 2M read shared|anonymous|hugetlb|growsdown
P: mmap 0 2M read private|anonymous|hugetlb|growsdown
P: mmap 0 2M read|exec shared_validate|anonymous|hugetlb
P: mmap 0 2M read shared_validate|anonymous|hugetlb 0 4K
P: mmap 0 2M read shared_validate|anonymous|hugetlb|0x54000000
P: mmap 0 2M read shared_validate|anonymous|hugetlb|uninitialized
P: mmap 0 2M read droppable|anonymous|hugetlb
P: mmap 0 2M read shared_validate|anonymous|hugetlb|fixed
P: mmap 0 2M read private|anonymous|hugetlb|fixed_noreplace
P: mmap 0 2M read shared_validate|anonymous|hugetlb|locked
P: maps
