# Shared anonymous memory stays one object through several forks: a store by any of three generations is seen by all, even after the middle one exits.
spawn A
A: s = mmap 0x100000000 4K read|write shared|anonymous|fixed
fork A B
fork B C
C: store s "from C"
A: load s 6
B: exit
A: store s "from A"
C: load s 6
C: maps
