# MADV_DONTFORK works on shared memory too: the child has no mapping there (SEGV_MAPERR) while the parent's data is untouched, and the child may map something else at that address.
spawn A
A: s = mmap 0x100000000 8K read|write shared|anonymous|fixed
A: store s "parent"
A: madvise s 8K dontfork
fork A B
B: load s 1
B: maps
B: n = mmap 0x100000000 4K read|write private|anonymous|fixed_noreplace
A: load s 6
