# An fd opened write-only cannot be mapped at all, whatever the protection (EACCES): mapping needs read access to the file.
file f size=4K fill='a'
spawn A
A: fd = open f wronly
A: mmap 0 4K read private fd 0
A: mmap 0 4K read|write shared fd 0
A: mmap 0 4K none private fd 0
A: mmap 0 4K write shared fd 0
A: maps
