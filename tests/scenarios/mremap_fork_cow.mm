# Moving a range still shared copy-on-write with a child keeps it shared: the child's data stays, and the parent's store after the move copies the page.
spawn A
A: a = mmap 0x100000000 4K read|write private|anonymous|fixed
A: store a "both"
fork A B
A: b = mremap a 4K 4K maymove|fixed 0x100100000
A: smaps
A: store b "mine"
B: load a 4
A: load b 4
