# Growing a locked mapping with mremap locks and populates the new pages too (VmLck and Rss grow with it).
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed|locked
A: status
A: mremap a 8K 24K
A: smaps
A: status
