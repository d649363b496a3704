# MADV_DONTNEED works on PROT_NONE memory too: the pages are freed (Rss 0), and once access is given back they read as zeros.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: fill a 8K 'n'
A: mprotect a 8K none
A: madvise a 8K dontneed
A: status
A: mprotect a 8K read
A: load a 2
