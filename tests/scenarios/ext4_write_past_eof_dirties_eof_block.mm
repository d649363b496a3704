# ext4: a write that starts past EOF zeroes the rest of the old last block first
# (ext4_zero_partial_blocks from write_end), dirtying its page; the pages in between stay holes.
file f size=5000 fill='a'
spawn A
A: fd = open f rdwr
A: pwrite fd 13000 "zz"
A: m = mmap 0 16K read shared fd
A: touch m 16K read
A: smaps
A: pread fd 4998 4
