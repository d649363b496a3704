# Truncating a file removes its pages from the page cache: mincore of a mapping over the cut part shows them non-resident, the kept part stays resident.
file f size=16K fill='m'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 16K read shared fd 0
A: mincore m 16K
A: ftruncate fd 4K
A: mincore m 16K
A: status
