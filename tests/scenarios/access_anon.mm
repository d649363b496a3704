# Fresh anonymous memory reads as zeros (the shared zero page: not counted in Rss) until a write gives the page a frame of its own.
spawn A
A: a = mmap 0 16K read|write private|anonymous
A: load a+100 4
A: touch a 8K read
A: status
A: smaps
A: store a+4K "w"
A: status
A: faults
