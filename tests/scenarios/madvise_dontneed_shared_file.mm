# MADV_DONTNEED on a shared file mapping only unmaps the pages: Rss drops, but they stay in the page cache (mincore 1) with the stored data, which the file keeps.
file f size=8K fill='k'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 8K read|write shared fd 0
A: store m "kept"
A: madvise m 8K dontneed
A: status
A: mincore m 8K
A: load m 4
cat f 0 4
