# On an O_APPEND fd every write goes to the end of the file, pwrite(2) too (a Linux quirk), and a shared mapping of the grown file sees the appended bytes.
file f size=4K fill='a'
spawn A
A: fd = open f rdwr|append
A: m = mmap 0x100000000 8K read|write shared fd 0
A: store m "head"
A: write fd "tail"
A: pwrite fd 0 "xx"
A: load m 4
A: load m+4K 4
cat f 4K
