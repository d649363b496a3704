# A multi-VMA mremap move of a file mapping on ext4 (gap at the end of the range allowed) (found by mmkit fuzz)
file f0 size=100 fill='a'
spawn P0
P0: fd0 = open f0 rdwr
P0: m0 = mmap 0x10001d000 16K read shared|fixed fd0 8K
P0: munmap m0+12288 64K
P0: m1 = mremap m0 16K 16K maymove|fixed 0x10002c000
