# cat at an offset past 2^63-1 is pread(2) at a negative loff_t: -EINVAL,
# even past the end of the file and on a directory; with LEN 0 nothing is read.
file f size=100 fill='a'
cat f -1
cat f 0x8000000000000000 4
cat f 0x7fffffffffffffff 4
cat f -4096 0
cat . -1
