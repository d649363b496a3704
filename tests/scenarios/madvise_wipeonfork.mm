# MADV_WIPEONFORK (VmFlags wf) gives the child of a fork zeroed memory where the parent keeps its data; it applies to private anonymous memory only (EINVAL otherwise).
file f size=4K fill='f'
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: fill a 8K 'w'
A: madvise a 4K wipeonfork
A: smaps
fork A B
B: load a 1
B: load a+4K 1
A: load a 1
A: s = mmap 0 4K read|write shared|anonymous
A: madvise s 4K wipeonfork
A: fd = open f rdonly
A: p = mmap 0 4K read private fd 0
A: madvise p 4K wipeonfork
A: madvise a 4K keeponfork
A: maps
