# Fault-around around a fault past EOF (SIGBUS): Linux maps the cached pages of the window below EOF only when there are at least two of them (case p5).
file f0 size=5000 fill='c'
spawn P0
P0: fd0 = open f0 rdwr
P0: pread fd0 0 1
P0: m2 = mmap 0x100000000 16K read private|fixed fd0 0
P0: load m2+8192 1
P0: smaps
