# a fault entirely past EOF gets SIGBUS and maps nothing around it (found by mmkit fuzz)
file f0 size=8292 fill='c'
spawn P0
P0: fd0 = open f0 rdwr
P0: ftruncate fd0 4K
P0: m2 = mmap 0x100021000 8K read|write shared|fixed fd0
P0: load m2+4096 16K
P0: smaps
