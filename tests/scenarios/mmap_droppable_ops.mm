# Every madvise 0-30 on a droppable mapping, then mremap (grow, shrink, move, dontunmap), fork, mprotect and mlock: the VMA flags (dp wf dd nr) follow every piece.
spawn P
P: d = mmap 0x100000000 64K read|write droppable|anonymous|fixed
P: store d "x"
P: madvise d+4K 4K 0
P: madvise d+4K 4K 1
P: madvise d+4K 4K 2
P: madvise d+4K 4K 3
P: madvise d+4K 4K 4
P: madvise d+4K 4K 5
P: madvise d+4K 4K 6
P: madvise d+4K 4K 7
P: madvise d+4K 4K 8
P: madvise d+4K 4K 9
P: madvise d+4K 4K 10
P: madvise d+4K 4K 11
P: madvise d+4K 4K 12
P: madvise d+4K 4K 13
P: madvise d+4K 4K 14
P: madvise d+4K 4K 15
P: madvise d+4K 4K 16
P: madvise d+4K 4K 17
P: madvise d+4K 4K 18
P: madvise d+4K 4K 19
P: madvise d+4K 4K 20
P: madvise d+4K 4K 21
P: madvise d+4K 4K 22
P: madvise d+4K 4K 23
P: madvise d+4K 4K 24
P: madvise d+4K 4K 25
P: madvise d+4K 4K 26
P: madvise d+4K 4K 27
P: madvise d+4K 4K 28
P: madvise d+4K 4K 29
P: madvise d+4K 4K 30
P: smaps
P: x = mremap d 8K 16K maymove
P: x = mremap d+16K 8K 4K
P: x = mremap d+32K 8K 8K maymove|fixed 0x100100000
P: x = mremap d+48K 4K 4K maymove|dontunmap 0x100200000
fork P Q
Q: smaps
P: mprotect d+40K 4K read|exec
P: mlock d 64K onfault
P: smaps
P: status
