# A shared file mapping writes the file's page cache: the file (cat, read) and every other shared mapping see the store at once.
file f size=8K fill='.' text="original"
spawn A
A: fd = open f rdwr
A: s = mmap 0 8K read|write shared fd 0
A: t = mmap 0 8K read shared fd 0
A: store s+4K "page two"
A: load t+4K 8
A: pread fd 4K 8
cat f 4K 8
A: smaps
