# mincore of a file mapping reports the page cache, not the process's page table: a page another process wrote with pwrite is resident in an untouched mapping; a page never cached is not.
file f size=0
spawn A
spawn B
A: fd = open f rdwr
A: m = mmap 0x100000000 16K read shared fd 0
A: mincore m 16K
B: fd = open f rdwr
B: pwrite fd 4K "page1"
B: pwrite fd 12K "page3"
A: mincore m 16K
A: status
A: load m+4K 5
A: load m+12K 5
