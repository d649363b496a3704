# File mappings merge when they map the same open file at contiguous offsets; a gap in offsets or a second open() of the same file keeps them apart, a dup()ed fd does not.
file f size=32K fill='f'
spawn A
A: fd = open f rdonly
A: a = mmap 0x100000000 4K read private fd 0
A: b = mmap 0x100001000 4K read private|fixed fd 4K
A: c = mmap 0x100002000 4K read private|fixed fd 12K
A: maps
A: fd2 = open f rdonly
A: d = mmap 0x100010000 4K read private|fixed fd 0
A: e = mmap 0x100011000 4K read private|fixed fd2 4K
A: fd3 = dup fd
A: g = mmap 0x100012000 4K read private|fixed fd3 8K
A: maps
