# ext4 with 4 KiB blocks caps a file at 16 TiB - 4 KiB (ext4_max_size): a write at or past the cap is -EFBIG and writes nothing, one crossing it is cut short there, ftruncate past it is -EFBIG; the file and fsync stay sound after.  mmap is bounded by MAX_LFS_FILESIZE, not the cap: a mapping past it is made, and faults past EOF as any.
file f size=10 text="0123456789"
spawn A
A: fd = open f rdwr
A: pwrite fd 1024T "far"
A: pwrite fd 16T-4K "x"
A: pread fd 16T-4K 1
A: fsync fd
A: pwrite fd 16T-4K-5 "hello world"
A: pread fd 16T-4K-8 16
A: ftruncate fd 16T
A: ftruncate fd 16T-4K+1
A: ftruncate fd 16T-4K
A: fsync fd
A: ftruncate fd 10
A: m = mmap 0 8K read shared fd 16T-4K
A: touch m 4K read
A: munmap m 8K
A: pwrite fd 2 "ab"
A: fsync fd
A: close fd
cat f
sync
