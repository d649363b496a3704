# posix_fadvise(DONTNEED) leaves mapped pages in the page cache; once unmapped they go.
file f size=16K fill='x'
spawn P
P: fd = open f rdonly
P: m = mmap 0 16K read shared fd 0
P: load m+4K 1
P: fadvise fd 0 0 dontneed
P: mincore m 16K
P: munmap m 16K
P: fadvise fd 0 0 dontneed
P: m = mmap 0 16K read shared fd 0
P: mincore m 16K
