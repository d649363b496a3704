# mremap maymove|fixed with equal lengths moves every VMA of the range, keeping the gaps between them (Linux 6.17+).
spawn P
P: a = mmap 0x100000000 8K read|write private|anonymous|fixed
P: b = mmap 0x100002000 8K read private|anonymous|fixed
P: store a "A"
P: m = mremap a 16K 16K maymove|fixed 0x100100000
P: maps
P: c = mmap 0x100200000 4K read|write private|anonymous|fixed
P: d = mmap 0x100202000 4K read private|anonymous|fixed
P: m2 = mremap c 12K 12K maymove|fixed 0x100300000
P: maps
P: e = mmap 0x100400000 4K read|write private|anonymous|fixed
P: m3 = mremap 0x1003ff000 8K 8K maymove|fixed 0x100500000
P: maps
P: f = mmap 0x100600000 8K read|write private|anonymous|fixed
P: m4 = mremap 0x100601000 8K 8K maymove|fixed 0x100700000
P: maps
