# MAP_SHARED_VALIDATE rejects flags it does not know (EOPNOTSUPP) where MAP_SHARED silently ignores them.
file f size=4K fill='a'
spawn A
A: fd = open f rdwr
A: mmap 0 4K read shared_validate|0x800000 fd 0
A: a = mmap 0 4K read shared|0x800000 fd 0
A: b = mmap 0 4K read shared_validate fd 0
A: load b 4
A: maps
