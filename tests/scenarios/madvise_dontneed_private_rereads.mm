# MADV_DONTNEED on a private file mapping drops the process's copy: the page is read from the file again, with whatever the file holds now.
file f size=4K fill='.'
spawn A
A: fd = open f rdwr
A: p = mmap 0x100000000 4K read|write private fd 0
A: store p "copy"
A: pwrite fd 0 "file"
A: load p 4
A: madvise p 4K dontneed
A: load p 4
A: smaps
