# An access where nothing is mapped raises SIGSEGV with SEGV_MAPERR at the first byte of the page that faults; earlier pages are done.
spawn A
A: a = mmap 0x100000000 4K read|write private|anonymous|fixed
A: load 0x100100000 4
A: store 0x100100010 "x"
A: fill a 8K 'f'
A: load a 4
A: load a+4090 100
A: touch a 8K write
A: load 0x1000 1
