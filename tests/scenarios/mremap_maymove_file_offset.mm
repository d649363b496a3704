# mremap(MREMAP_MAYMOVE) of a file mapping that cannot grow in place moves it: the new VMA keeps the file and its offset, and the grown part maps the following file pages.
file f size=16K fill='.' text="page0"
spawn A
A: fd = open f rdwr
A: pwrite fd 4K "page1"
A: pwrite fd 8K "page2"
A: pwrite fd 12K "page3"
A: a = mmap 0x100000000 4K read shared fd 4K
A: g = mmap 0x100001000 4K read private|anonymous|fixed
A: b = mremap a 4K 12K maymove
A: maps
A: load b 5
A: load b+4K 5
A: load b+8K 5
