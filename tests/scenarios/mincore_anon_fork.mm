# mincore in a forked child: the private pages it inherited (copy-on-write) and the shared anonymous pages are resident, though only the private ones are in its Rss.
spawn A
A: p = mmap 0x100000000 8K read|write private|anonymous|fixed
A: s = mmap 0x100100000 8K read|write shared|anonymous|fixed
A: touch p 4K write
A: touch s+4K 4K write
fork A B
B: mincore p 8K
B: mincore s 8K
B: status
