# open(O_RDONLY|O_TRUNC) truncates the file as any O_TRUNC open does (Linux checks write permission, not the access mode): pages cached, even dirty ones, are gone, and a shared mapping of the file gets SIGBUS.
file f size=8K fill='A'
spawn A
A: w = open f rdwr
A: m = mmap 0x100000000 8K read|write shared w 0
A: store m "dirty"
A: pwrite w 4K "more"
A: r = open f rdonly|trunc
A: pread r 0 4
A: pread w 0 4
A: load m 1
A: fsync w
cat f
