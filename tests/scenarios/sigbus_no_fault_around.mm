# A read fault on a page wholly past the end of the file raises SIGBUS without faulting around: the cached page before EOF is not mapped by it (Rss stays 0).
file f size=4K fill='e'
spawn A
A: fd = open f rdonly
A: m = mmap 0x100000000 8K read shared fd 0
A: load m+4K 1
A: smaps
A: load m 1
A: status
