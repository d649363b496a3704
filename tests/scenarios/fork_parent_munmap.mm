# After fork the two address spaces are separate: the parent unmapping or remapping a range does not touch the child's mapping or its data.
file f size=4K fill='f'
spawn A
A: fd = open f rdwr
A: p = mmap 0x100000000 4K read|write private|anonymous|fixed
A: m = mmap 0x100100000 4K read|write shared fd 0
A: store p "keep"
fork A B
A: munmap p 4K
A: mmap 0x100100000 4K read|write private|anonymous|fixed
A: maps
B: load p 4
B: store m "still"
cat f 0 5
B: maps
