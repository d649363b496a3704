# ext4 knows MAP_SYNC (FOP_MMAP_SYNC): it passes MAP_SHARED_VALIDATE, and a write-only fd is EACCES first (found by mmkit fuzz)
file f1 size=100 fill='a'
spawn P0
P0: fd0 = open f0 rdwr
P0: m0 = mmap 0x100000000 8K read|exec shared_validate|0x800000 fd0
P0: fd1 = open f1 wronly
P0: m1 = mmap m0 16K read|write|exec shared_validate|sync fd1
