# cat of a directory is read(2)'s -EISDIR, not an empty file (but LEN 0 reads nothing); so is a read of its fd, and paths that would leave the directory are -EACCES.
cat .
cat . 0 0
cat . 4096 1
file f size=4 text="data"
cat f 8
spawn P
P: d = open . rdonly
P: read d 4
P: pread d 0 4
P: mmap 0 4K read private d 0
P: w = open . rdwr
P: unlink .
P: unlink ../f
P: unlink /f
P: open /f rdonly
cat ../f
cat f
