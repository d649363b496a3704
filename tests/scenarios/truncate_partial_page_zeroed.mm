# Truncating a file to the middle of a page zeroes the rest of that page in every shared mapping, so growing the file again shows zeros, not the old bytes.
file f size=4K fill='z'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 4K read|write shared fd 0
A: load m+100 4
A: ftruncate fd 100
A: load m+96 8
A: ftruncate fd 4K
A: load m+96 8
cat f 96 8
