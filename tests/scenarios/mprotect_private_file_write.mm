# A private file mapping made writable by mprotect copies on write: the file is not changed, and the copied page counts as Anonymous.
file f size=8K fill='o'
spawn A
A: fd = open f rdonly
A: p = mmap 0x100000000 8K read private fd 0
A: load p 2
A: store p "no"
A: mprotect p 8K read|write
A: store p "ok"
A: load p 2
cat f 0 2
A: smaps
