# A child goes on after its parent exits; its private copy and the shared anonymous memory stay intact.
spawn A
A: p = mmap 0 4K read|write private|anonymous
A: s = mmap 0 4K read|write shared|anonymous
A: store p "priv"
A: store s "shrd"
fork A B
A: exit
B: load p 4
B: load s 4
B: maps
