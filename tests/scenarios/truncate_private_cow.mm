# Truncation reaches into private mappings too: past the new end even a page the process had copied (written) raises SIGBUS.
file f size=8K fill='c'
spawn A
A: fd = open f rdwr
A: p = mmap 0 8K read|write private fd 0
A: store p+4K "copy"
A: load p+4K 4
A: ftruncate fd 4K
A: load p+4K 4
A: load p 1
