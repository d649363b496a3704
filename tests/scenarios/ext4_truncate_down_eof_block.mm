# ext4: shrinking a file to an unaligned size zeroes the rest of the new last block and dirties its
# page (ext4_truncate), even to the same size; where that block is a hole (left by an earlier grow)
# the page is created clean and not uptodate, so reading it later is a minor fault.
file f size=5000 fill='a'
file g size=100 fill='g'
spawn A
A: fd = open f rdwr
A: ftruncate fd 20000
A: ftruncate fd 9000
A: m = mmap 0 12K read shared fd
A: touch m+8K 4K read
A: faults
A: mincore m 12K
A: gd = open g rdwr
A: ftruncate gd 100
A: n = mmap 0 4K read shared gd
A: touch n 4K read
A: smaps
