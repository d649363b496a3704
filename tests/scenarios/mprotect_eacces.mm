# mprotect cannot give write access to a shared mapping of a read-only fd (EACCES); a private one may become writable.
file f size=8K fill='a'
spawn A
A: fd = open f rdonly
A: s = mmap 0 4K read shared fd 0
A: p = mmap 0 4K read private fd 0
A: mprotect s 4K read|write
A: mprotect s 4K read|exec
A: mprotect p 4K read|write
A: store p "mine"
A: maps
cat f 0 4
