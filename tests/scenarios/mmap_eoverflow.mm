# A file offset whose last page does not fit in the page index (offset + length past 2^64) is EOVERFLOW.
file f size=4K fill='a'
spawn A
A: fd = open f rdonly
A: mmap 0 8K read private fd 0xfffffffffffff000
A: mmap 0 4K read private fd 0xffffffffffffe000
A: maps
