# status counts memory by kind: VmSize/VmData/VmStk from the mappings, RssAnon/RssFile/RssShmem from resident pages, VmLck from locked ones, VmLib from executable ones.
file f size=16K fill='s'
spawn A
A: fd = open f rdwr
A: a = mmap 0 16K read|write private|anonymous
A: touch a 8K write
A: r = mmap 0 16K read private fd 0
A: touch r 16K read
A: s = mmap 0 8K read|write shared|anonymous
A: touch s 8K write
A: x = mmap 0 8K read|exec private|anonymous
A: g = mmap 0x100000000 8K read|write private|anonymous|growsdown|fixed
A: l = mmap 0 4K read|write private|anonymous|locked
A: w = mmap 0 4K read|write shared fd 0
A: status
A: munmap a 16K
A: status
