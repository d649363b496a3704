# Fault-around past EOF when the first cached page is the file's last: nothing is mapped while no page table covers the 2 MiB region yet (filemap_map_pmd is skipped), the cached page is mapped once another mapping there has made one.
file f0 size=4K fill='b'
spawn P0
P0: fd0 = open f0 rdonly
P0: a = mmap 0x100000000 64K read private|fixed fd0
P0: load a+32K 1
P0: status
P0: munmap a 64K
P0: t = mmap 0x100100000 4K read|write private|anonymous|fixed
P0: touch t 4K write
P0: b = mmap 0x100000000 64K read private|fixed fd0
P0: load b+32K 1
P0: status
