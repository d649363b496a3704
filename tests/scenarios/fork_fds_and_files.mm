# A forked child inherits the open files (sharing their offsets) and file mappings; its writes through a shared mapping reach the parent.
file f size=8K fill='-'
spawn A
A: fd = open f rdwr
A: s = mmap 0 8K read|write shared fd 0
A: read fd 4
fork A B
B: read fd 4
A: read fd 4
B: store s "kid"
A: load s 3
B: exit
A: maps
cat f 0 12
