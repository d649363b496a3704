# MAP_SHARED_VALIDATE accepts every legacy mmap flag (MAP_32BIT, MAP_LOCKED, MAP_POPULATE, MAP_NORESERVE...) and behaves like MAP_SHARED with them; only unknown bits are EOPNOTSUPP.
file f size=16K fill='v'
spawn A
A: fd = open f rdwr
A: a = mmap 0 8K read|write shared_validate|32bit fd 0
A: b = mmap 0x100000000 4K read shared_validate|locked|fixed fd 0
A: c = mmap 0x100100000 4K read shared_validate|populate|noreserve|fixed fd 0
A: mmap 0x100200000 4K read shared_validate|fixed|0x800000 fd 0
A: maps
A: status
