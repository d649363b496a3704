# Guard regions in file mappings (Linux 6.15+): shared and private file and shared anonymous mappings take markers without an anon_vma; the file's data is untouched and shows again after GUARD_REMOVE; fork copies the markers (VM_MAYBE_GUARD copies the page tables, with the shared pages they map); truncation and MADV_DONTNEED keep them; mincore sees through them to the page cache.
file f size=32K fill='f'
spawn A
A: fd = open f rdwr
A: s = mmap 0 32K read|write shared fd 0
A: p = mmap 0 32K read|write private fd 0
A: load s 32K
A: store s+8K "S"
A: madvise s+4K 8K guard_install
A: madvise p 8K guard_install
A: load s+4K 1
A: store s+8K "x"
A: load p 1
A: load p+8K 1
A: load s+16K 1
A: mincore s 32K
A: mincore p 32K
A: smaps
fork A B
B: load s+4K 1
B: load s+16K 1
B: load p 1
B: madvise s 32K guard_remove
B: load s+8K 1
A: load s+8K 1
A: smaps
B: smaps
A: madvise s 32K dontneed
A: load s+4K 1
A: ftruncate fd 4K
A: load s+8K 1
A: ftruncate fd 32K
A: madvise s 32K guard_remove
A: madvise p 32K guard_remove
A: load s+8K 1
A: load p 1
A: m = mmap 0 16K read|write shared|anonymous
A: store m "shm"
A: madvise m 8K guard_install
A: load m 1
fork A C
C: load m 1
C: load m+8K 1
A: madvise m 16K guard_remove
A: load m 3
A: smaps
