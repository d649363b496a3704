# Fault-around around a fault past EOF (SIGBUS): Linux maps the cached pages of the window below EOF only when there are at least two of them (case fa4).
file f0 size=12K fill='c'
spawn P0
P0: fd0 = open f0 rdwr
P0: m2 = mmap 0x100000000 16K read private|fixed fd0
P0: mincore m2 16K
P0: load m2+12288 1
P0: smaps
