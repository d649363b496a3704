# fork copies PROT_NONE mappings with their pages: the child can mprotect its copy back and read the parent's data.
spawn A
A: a = mmap 0x100000000 4K read|write private|anonymous|fixed
A: store a "hidden"
A: mprotect a 4K none
fork A B
B: load a 1
B: mprotect a 4K read
B: load a 6
A: maps
