# write(2) to a file goes through the page cache: a MAP_SHARED mapping sees it at once, and so does a MAP_PRIVATE one until it writes that page itself.
file f size=8K fill='-'
spawn A
A: fd = open f rdwr
A: s = mmap 0 8K read shared fd 0
A: p = mmap 0 8K read|write private fd 0
A: load p 4
A: store p+4K "mine"
A: write fd "new!"
A: pwrite fd 4K "NEW!"
A: load s 4
A: load p 4
A: load s+4K 4
A: load p+4K 4
