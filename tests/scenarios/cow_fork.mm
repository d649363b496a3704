# After fork, private memory is shared copy-on-write: a write by either process copies the page for the writer only.
spawn A
A: a = mmap 0 8K read|write private|anonymous
A: fill a 8K 'a'
fork A B
B: load a 1
B: store a "child"
A: load a 5
B: load a 5
A: store a+4K "parent"
B: load a+4K 6
A: faults
B: faults
A: smaps
B: smaps
