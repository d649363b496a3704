# MAP_FIXED|MAP_SYNC over an existing mapping: the old mapping is unmapped before the file system refuses VM_SYNC, leaving a hole (found by mmkit fuzz)
file f0 size=100 fill='a'
spawn P0
P0: fd0 = open f0 rdwr
P0: m0 = mmap 0x10002e000 4K write shared|anonymous
fork P0 P1
P1: m1 = mmap m0 4K read|write|exec private|fixed|sync fd0 4K
P1: maps
