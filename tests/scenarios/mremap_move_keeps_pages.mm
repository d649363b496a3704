# mremap moves page table entries, not data: the moved pages stay resident (mincore, Rss) and reading them takes no new page fault.
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: fill a 8K 'v'
A: faults
A: b = mremap a 8K 8K maymove|fixed 0x100100000
A: mincore b 8K
A: load b+4K 2
A: faults
A: status
