# ext4's largest file is 2^32 - 1 blocks (16 TiB - 4 KiB): a write at or past it is -EFBIG, one reaching it is cut short; ftruncate may reach it exactly.
file f size=0
spawn P
P: fd = open f rdwr
P: pwrite fd 0xfffffffefff "x"
P: pwrite fd 0xffffffff000 "x"
P: pwrite fd 0xfffffffeffe "xyz"
P: ftruncate fd 0xffffffff000
P: ftruncate fd 0xfffffffffff
P: ftruncate fd 0xffffffff001
P: ftruncate fd 0
