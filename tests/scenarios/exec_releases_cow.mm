# After the child of a fork execs, the parent's private pages are no longer shared: smaps shows them Private_Dirty with full Pss, and the shared anonymous memory keeps its data.
spawn A
A: p = mmap 0x100000000 4K read|write private|anonymous|fixed
A: s = mmap 0x100100000 4K read|write shared|anonymous|fixed
A: store p "priv"
A: store s "shrd"
fork A B
A: smaps
B: exec
B: maps
A: smaps
A: load s 4
