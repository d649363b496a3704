# MS_INVALIDATE discards nothing on Linux: a private mapping keeps its copied-on-write data, a shared one keeps seeing the page cache.
file f size=4K fill='f'
spawn A
A: fd = open f rdwr
A: p = mmap 0x100000000 4K read|write private fd 0
A: s = mmap 0x100100000 4K read|write shared fd 0
A: store p "mine"
A: store s "SHRD"
A: msync p 4K invalidate
A: msync s 4K invalidate
A: msync p 4K sync|invalidate
A: load p 4
A: load s 4
cat f 0 4
