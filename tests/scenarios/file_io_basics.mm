# The file operations scripts use: open errors, read/write/pread/pwrite at offsets, dup sharing the offset, close, unlink, and cat of the result.
file f size=16 text="0123456789abcdef"
spawn A
A: open missing rdonly
A: fd = open f rdwr
A: read fd 4
A: fd2 = dup fd
A: read fd2 4
A: write fd "XY"
A: pread fd 0 16
A: pwrite fd 14 "__END"
A: close fd
A: read fd 1
A: read fd2 4
A: n = open new rdwr|creat
A: write n "fresh"
A: open new rdwr|creat|excl
A: unlink new
A: unlink new
cat f
cat f 10 4
