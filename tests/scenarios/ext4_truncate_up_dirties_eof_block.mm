# ext4 (Linux 6.12+): growing a file whose size is not a multiple of 4096 zeroes the rest of its
# last block through the page cache, and the cached page becomes dirty (ext4_block_truncate_page);
# from a size that is a whole number of blocks nothing is zeroed and the page stays clean.
file f size=100 fill='a'
file g size=4096 fill='g'
spawn A
A: fd = open f rdwr
A: m = mmap 0 32K read shared fd
A: touch m 4K read
A: ftruncate fd 8193
A: gd = open g rdwr
A: n = mmap 0 8K read shared gd
A: touch n 4K read
A: ftruncate gd 8000
A: smaps
A: pread fd 98 4
