# MADV_POPULATE_READ of an evicted file reads it and counts one major fault (the retried GUP fault
# has FOLL_TRIED), where MAP_POPULATE/mlock count it minor; _WRITE of a private file mapping
# breaks COW page by page; _WRITE of a read-only shared mapping is -EINVAL.
file f size=64K fill='a'
spawn A
A: fd = open f rdwr
A: m = mmap 0 64K read shared fd
A: touch m 64K read
A: madvise m 64K pageout
A: mincore m 64K
A: faults
A: madvise m 64K populate_read
A: faults
A: mincore m 64K
A: p = mmap 0 64K read|write private fd
A: madvise p 64K populate_write
A: faults
A: madvise m 64K populate_write
A: smaps
