# A private file mapping reads the file, but its writes are its own (copy-on-write): neither the file nor another mapping of it sees them.
file f size=8K fill='.' text="original"
spawn A
A: fd = open f rdwr
A: p = mmap 0 8K read|write private fd 0
A: s = mmap 0 8K read shared fd 0
A: load p 8
A: store p "changed!"
A: load p 8
A: load s 8
cat f 0 8
A: smaps
A: faults
