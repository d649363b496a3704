# MAP_HUGETLB|MAP_HUGE_1GB names the 1 GiB page size: -EINVAL on a machine without 1 GiB pages, -ENOMEM with none reserved.  `mmkit check` mirrors the host's.
spawn P
P: mmap 0 1G read private|anonymous|hugetlb|0x78000000
P: mmap 0 2M read shared|anonymous|hugetlb|0x78000000
P: mmap 0 2M read shared|anonymous|hugetlb|0x54000000
P: mmap 0 2M read shared|anonymous|hugetlb|0x7c000000
