# MAP_SYNC on a private file mapping is refused the same way
# (found by mmkit fuzz, shrunk)
file f0 size=4K fill='b'
spawn P0
P0: fd0 = open f0 rdwr
P0: m0 = mmap 0 32K read|write|exec private|sync fd0 0
