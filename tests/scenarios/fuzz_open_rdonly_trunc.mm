# O_TRUNC truncates a file opened read-only too (Linux asks for write permission, then truncates): its cached pages and any mapping of them go.
file f size=4095 fill='a'
spawn P
P: fd = open f rdwr
P: a = mmap 0 4K read shared fd 0
P: load a 2
P: fd2 = open f rdonly|trunc
cat f 0 32
P: load a 2
P: read fd2 4
P: fd3 = open f 0x640
cat f 0 32
