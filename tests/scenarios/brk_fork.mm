# The heap is copied by fork like any private mapping: each process then moves its own break and writes its own copy.
spawn A
A: h = brk 0
A: brk h+8K
A: store h "parent"
fork A B
B: brk 0
B: store h "child!"
B: brk h+16K
A: load h 6
A: brk 0
A: maps
B: maps
