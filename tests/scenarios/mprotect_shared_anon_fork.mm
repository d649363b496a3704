# mprotect changes one process's view only: after fork, a child that makes shared memory read-only faults on a store while the parent can still write, and both see the data.
spawn A
A: s = mmap 0x100000000 4K read|write shared|anonymous|fixed
fork A B
B: mprotect s 4K read
B: store s "child"
A: store s "parent"
B: load s 6
A: maps
B: maps
