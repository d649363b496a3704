# Fault-around and readahead never map over a guard marker: one read fault in a file mapping maps the cached pages around it but leaves the guarded PTEs (smaps Rss counts the pages mapped), MAP_POPULATE of a new mapping is unaffected, and MADV_WILLNEED and a populate stop at the markers as Linux does.
file f size=64K fill='r'
spawn A
A: fd = open f rdonly
A: pread fd 0 64K
A: m = mmap 0 64K read shared fd 0
A: madvise m+12K 4K guard_install
A: madvise m+20K 8K guard_install
A: load m+16K 1
A: smaps
A: mincore m 64K
A: madvise m 64K willneed
A: load m+12K 1
A: madvise m 64K populate_read
A: smaps
A: p = mmap 0 64K read private|populate fd 0
A: madvise p+4K 4K guard_install
A: smaps
A: madvise m 64K guard_remove
A: load m+20K 1
A: smaps
