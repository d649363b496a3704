# MADV_DONTNEED drops pages: private anonymous memory reads back as zeros, a private file mapping as the file again, shared memory keeps its data.
file f size=4K fill='f'
spawn A
A: a = mmap 0 4K read|write private|anonymous
A: store a "anon"
A: fd = open f rdonly
A: p = mmap 0 4K read|write private fd 0
A: store p "priv"
A: s = mmap 0 4K read|write shared|anonymous
A: store s "shrd"
A: status
A: madvise a 4K dontneed
A: madvise p 4K dontneed
A: madvise s 4K dontneed
A: load a 4
A: load p 4
A: load s 4
A: status
