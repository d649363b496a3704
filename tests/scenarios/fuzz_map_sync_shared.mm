# MAP_SYNC on a regular (non-DAX) file: the file system's mmap refuses VM_SYNC even with plain MAP_SHARED
# (found by mmkit fuzz, shrunk)
file f0 size=4K fill='b'
spawn P0
P0: fd0 = open f0 rdwr
P0: m1 = mmap 0 16K read|write shared|sync fd0 8K
