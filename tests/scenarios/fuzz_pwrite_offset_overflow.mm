# rw_verify_area(): a read or write whose offset + count passes 2^63 - 1 is -EINVAL, before the file system's size limit (-EFBIG) is looked at; a negative offset too.
file f size=100
spawn P
P: fd = open f rdwr
P: pwrite fd 0x7fffffffffffffff "x"
P: pwrite fd 0x7ffffffffffffffe "xyz"
P: pwrite fd 0x7ffffffffffffffd "xyz"
P: pwrite fd -1 "x"
P: pread fd 0x7fffffffffffffff 2
P: pread fd 0x7ffffffffffffffe 1
P: pread fd 0x8000000000000000 1
P: pread fd 0 4
