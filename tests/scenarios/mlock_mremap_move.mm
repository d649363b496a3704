# mremap moving a locked mapping keeps it locked at its new address: VmLck, Rss and the data move with it.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: mlock a 8K
A: store a "pinned"
A: g = mmap 0x100002000 4K read private|anonymous|fixed
A: b = mremap a 8K 16K maymove
A: status
A: smaps
A: load b 6
