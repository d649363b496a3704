# ext4: the block at an unaligned old EOF is zeroed through the page cache even when its page is not
# cached: the page is created, dirty but not uptodate, so mincore does not count it; the first fault
# on it reads nothing, counts minor and starts no readahead (the next page takes its own fault).
file f size=100 fill='a'
spawn A
A: fd = open f rdwr
A: m = mmap 0 16K read shared fd
A: touch m 4K read
A: madvise m 4K pageout
A: mincore m 8K
A: ftruncate fd 8192
A: mincore m 8K
A: touch m 4K read
A: faults
A: mincore m 8K
A: touch m+4K 4K read
A: faults
A: load m 4
A: smaps
