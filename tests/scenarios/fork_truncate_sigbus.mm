# A file truncated by one process takes the pages away from every process mapping it: the parent's shared and private mappings raise SIGBUS after the child's ftruncate.
file f size=8K fill='t'
spawn A
A: fd = open f rdwr
A: s = mmap 0x100000000 8K read|write shared fd 0
A: p = mmap 0x100100000 8K read|write private fd 0
A: load s+4K 1
A: load p+4K 1
fork A B
B: ftruncate fd 4K
A: load s+4K 1
A: load p+4K 1
A: load s 1
