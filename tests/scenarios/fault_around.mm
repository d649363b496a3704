# A read fault on a file page maps the neighbouring cached pages too (fault-around): one fault, many resident pages; a write fault maps one page.
file f size=64K fill='a'
spawn A
A: fd = open f rdwr
A: r = mmap 0 64K read shared fd 0
A: load r+16K 1
A: faults
A: smaps
A: w = mmap 0 64K read|write shared fd 0
A: store w+16K "x"
A: faults
A: mincore w 64K
