# MAP_POPULATE faults the whole mapping in at mmap time: the pages are resident before any access and the faults are counted then.
file f size=16K fill='p'
spawn A
A: fd = open f rdonly
A: a = mmap 0 16K read|write private|anonymous|populate
A: faults
A: m = mmap 0 16K read private|populate fd 0
A: faults
A: smaps
A: mincore a 16K
