# Anonymous memory moved by mremap to a length of whole 2 MiB units is placed 2 MiB aligned, as a new anonymous mapping of that length is: get_unmapped_area treats the page offset of anonymous memory as zero, whatever the VMA's own, and whatever offset mmap was given.
spawn A
A: r = mmap 0 4K read|write private|anonymous
A: store r "x"
A: r2 = mremap r 4K 4M maymove
A: load r2 1
A: o = mmap 0 2M read|write private|anonymous -1 4K
A: maps
