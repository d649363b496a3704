# A file's first read at a non-zero offset is a random read, not a sequential
# one: a new open file has no previous position (Linux's prev_pos is -1), so
# a small pread of a hole reads just its page, where a read at offset 0
# starts the initial readahead window (4x the request).
file f size=0
spawn P
P: fd = open f rdwr
P: ftruncate fd 64K
P: pread fd 4096 100
P: m = mmap 0 64K read shared fd 0
P: mincore m 64K
P: fd2 = open f rdonly
P: pread fd2 32K 100
P: mincore m 64K
P: read fd2 100
P: mincore m 64K
