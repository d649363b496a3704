# posix_fadvise(DONTNEED) evicts the cached pages lying wholly in its range (an unaligned start is rounded up, len 0 means to EOF): mincore shows them gone, and the next access is a major fault whose read-around brings the file back.
file f size=32K fill='x'
spawn P
P: fd = open f rdonly
P: m = mmap 0 32K read shared fd 0
P: mincore m 32K
P: fadvise fd 0 16K dontneed
P: mincore m 32K
P: fadvise fd 16K+1 0 dontneed
P: mincore m 32K
P: fadvise fd 16K 100 dontneed
P: mincore m 32K
P: faults
P: load m+4K 1
P: faults
P: mincore m 32K
