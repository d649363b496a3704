# Linux 6.18 on ext4/xfs: one write(2) of 64K caches the file in one 64K folio, and a fault maps the whole folio (finish_fault, filemap_map_pages); a 4K write gets order-0 folios. 12K at page 5 asks for an 8K folio but page 5 is odd: order 0, then 8K at page 6.
spawn A
A: fd = open f rdwr|creat|trunc
A: pwrite fd 0 "a"*64K
A: pwrite fd 64K "b"*4K
A: pwrite fd 68K "c"*4K
A: pwrite fd 80K "d"*12K
A: pwrite fd 96K "e"*32K
A: fsync fd
A: w = mmap 0 128K read|write shared fd 0
A: store w+8K "x"
A: faults
A: smaps
A: store w+64K "y"
A: faults
A: store w+84K "z"
A: faults
A: smaps
A: r = mmap 0 128K read shared fd 0
A: load r+100K 1
A: faults
A: smaps
A: ftruncate fd 40K
A: load w+4K 1
A: faults
A: smaps
