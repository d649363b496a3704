# a hint below the kernel's mmap_min_addr is raised to it
# (found by mmkit fuzz, shrunk)
file f0 size=8292 fill='c'
spawn P0
P0: fd0 = open f0 rdwr
P0: m0 = mmap 0x1000 8K write shared fd0
