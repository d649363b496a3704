# A file mapping at an offset in the last 2 MiB below 2^63 is still placed
# so that address and offset agree modulo 2 MiB: __thp_get_unmapped_area's
# off_align (a loff_t) rounds up to a negative number, and its signed
# "off_end <= off_align" does not stop it.  Found by mmkit fuzz --guided.
file f0 size=8292 fill='c'
spawn P0
P0: fd0 = open f0 rdwr
P0: m0 = mmap 0 64K none shared_validate fd0 0x7fffffffffe01000
P0: m1 = mmap 0 64K read private fd0 0x7fffffffffff0000
P0: m2 = mmap 0 4K read shared fd0 0x7ffffffffffff000
P0: maps
