# On x86-64 PROT_WRITE alone and PROT_EXEC alone still allow loads: maps shows -w- and --x, yet reads succeed; only PROT_NONE forbids them.
spawn A
A: a = mmap 0x100000000 12K read|write private|anonymous|fixed
A: store a "wonly"
A: store a+4K "xonly"
A: mprotect a 4K write
A: mprotect a+4K 4K exec
A: mprotect a+8K 4K none
A: maps
A: load a 5
A: store a "W"
A: load a+4K 5
A: store a+4K "X"
A: load a+8K 1
