# drop_caches (sync, then echo 1 > /proc/sys/vm/drop_caches) empties the page cache of every file but the pages some process maps; dirty pages are written first, then dropped too.
# requires: drop_caches
file f size=8K fill='x'
file g size=8K fill='y'
spawn P
P: fd = open f rdonly
P: m = mmap 0 8K read shared fd 0
P: load m 1
P: gd = open g rdwr
P: pwrite gd 4K "dirty"
P: n = mmap 0 8K read shared gd 0
drop_caches
P: mincore m 8K
P: mincore n 8K
P: pread gd 0 1
P: pread gd 4K 5
P: mincore n 8K
