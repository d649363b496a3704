# Shared anonymous memory is the same pages in parent and child after fork: each sees the other's stores.
spawn A
A: s = mmap 0 8K read|write shared|anonymous
A: store s "parent"
fork A B
B: load s 6
B: store s+4K "child"
A: load s+4K 5
A: store s "PARENT"
B: load s 6
A: smaps
