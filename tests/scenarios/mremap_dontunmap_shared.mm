# MREMAP_DONTUNMAP on shared memory leaves the old range mapped to the same object, so it still reads the data (private anonymous memory would read zeros).
file f size=4K fill='f'
spawn A
A: s = mmap 0x100000000 4K read|write shared|anonymous|fixed
A: store s "shmem"
A: s2 = mremap s 4K 4K maymove|dontunmap
A: load s 5
A: store s2 "SHMEM"
A: load s 5
A: fd = open f rdwr
A: m = mmap 0x100100000 4K read|write shared fd 0
A: store m "file"
A: m2 = mremap m 4K 4K maymove|dontunmap
A: load m 4
A: p = mmap 0x100200000 4K read|write private fd 0
A: store p "priv"
A: p2 = mremap p 4K 4K maymove|dontunmap
A: load p 4
A: load p2 4
A: maps
