# A process running a program keeps its fds across exec (but the O_CLOEXEC ones) and can map and use them, and make and remove names; what needs memory of the tracer's in the process (open, mincore, name, pagemap) or another tracer (fork, exec) is refused alike by both backends.
file f size=12K fill='f'
program static_bss
spawn P
P: fd = open f rdwr
P: fdc = open f rdonly|cloexec
P: exec static_bss
P: pread fdc 0 4
P: read fd 4
P: write fd "WXYZ"
P: m = mmap 0 12K read|write shared fd 0
P: load m 10
P: fill m+4096 4K 0x41
P: pread fd 4096 4
P: ftruncate fd 4096
P: load m+4096 1
P: fsync fd
P: d = dup fd
P: close fd
P: pread d 0 8
P: pread 99 -4096 16
P: ftruncate 99 -1
P: read 99 1
P: open f rdonly
P: mincore m 4K
P: name m 4K "x"
fork P Q
P: exec
P: exec static_bss
P: maps
P: unlink f
P: mkdir d
P: rmdir d
P: maps
P: exit
