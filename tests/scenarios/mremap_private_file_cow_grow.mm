# Moving and growing a private file mapping keeps its copied-on-write pages and shows the file's own data in the pages it did not write and in the new ones.
file f size=12K fill='.'
spawn A
A: fd = open f rdwr
A: pwrite fd 0 "AAAA"
A: pwrite fd 4K "BBBB"
A: pwrite fd 8K "CCCC"
A: a = mmap 0x100000000 8K read|write private fd 0
A: store a+4K "dddd"
A: g = mmap 0x100002000 4K read private|anonymous|fixed
A: b = mremap a 8K 12K maymove
A: load b 4
A: load b+4K 4
A: load b+8K 4
cat f 4K 4
A: smaps
