# MAP_DROPPABLE (type 0x08): private anonymous memory that is wiped on fork, never dumped, never reserved, never locked (VmFlags nr wf dd dp).
spawn P
P: a = mmap 0 64K none private|anonymous
P: b = mmap a+8K 8K read|write droppable|anonymous|fixed
P: c = mmap b+8K 8K read|write private|anonymous|fixed
P: d = mmap b-8K 8K read|write droppable|anonymous|fixed
P: store b "kept"
P: smaps
fork P Q
Q: load b 4
P: load b 4
Q: smaps
P: mlock b 4K
P: status
P: madvise b 4K dodump
P: madvise b 4K dontdump
P: madvise b 4K keeponfork
P: madvise b 4K wipeonfork
P: madvise b 4K free
P: mprotect b 4K read
P: maps
