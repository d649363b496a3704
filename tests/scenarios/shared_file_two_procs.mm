# Two unrelated processes that map the same file MAP_SHARED share its pages: a store by one is a load by the other.
file f size=4K fill='.'
spawn A
spawn B
A: fa = open f rdwr
B: fb = open f rdwr
A: a = mmap 0 4K read|write shared fa 0
B: b = mmap 0x100000000 4K read|write shared fb 0
A: store a "from A"
B: load b 6
B: store b+6 " and B"
A: load a 12
A: smaps
