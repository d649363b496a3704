# MAP_DROPPABLE's refusals: a file, MAP_LOCKED, MAP_GROWSDOWN, MAP_HUGETLB; the flags it ignores; a fixed address below mmap_min_addr.
file f size=8K
spawn P
P: fd = open f rdwr
P: mmap 0 4K read droppable fd 0
P: mmap 0 4K read droppable|anonymous|locked
P: mmap 0 4K read droppable|anonymous|growsdown
P: mmap 0 4K read droppable|anonymous|hugetlb
P: mmap 0 4K read droppable|anonymous|fixed
P: a = mmap 0 4K read|write droppable|anonymous|populate|sync|stack|noreserve
P: mmap 0 4K read droppable|anonymous|shared
P: mmap 0 4K read 0x4|anonymous
P: mmap 0 4K read 0xf|anonymous
P: smaps
