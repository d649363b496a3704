# Truncating a mapped file makes the pages past the new end raise SIGBUS; growing it again brings back zero-filled pages, not the old data.
file f size=8K fill='t'
spawn A
A: fd = open f rdwr
A: a = mmap 0 8K read|write shared fd 0
A: load a+4K 2
A: ftruncate fd 4K
A: load a+4K 2
A: load a 2
A: ftruncate fd 8K
A: load a+4K 2
A: store a+4K "back"
cat f 4K 4
