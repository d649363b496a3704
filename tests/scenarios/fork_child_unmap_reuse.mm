# Once the child of a fork unmaps its copy, the parent's private pages are its own again: smaps counts them Private_Dirty with full Pss (not Shared), and a store reuses the page.
spawn A
A: p = mmap 0x100000000 8K read|write private|anonymous|fixed
A: fill p 8K 'p'
fork A B
A: smaps
B: munmap p 8K
A: smaps
A: store p "after"
A: faults
A: load p+4K 2
