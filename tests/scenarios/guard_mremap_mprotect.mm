# Guard markers move with their pages under mremap (moved, grown, shrunk: the markers past the new end go), stay through mprotect (PROT_NONE and back), and mark the VMA "gu" in smaps, which a split keeps and a merge takes from either side.
spawn A
A: a = mmap 0 20K read|write private|anonymous
A: madvise a 4K guard_install
A: madvise a+16K 4K guard_install
A: mprotect a 20K read
A: load a 1
A: load a+4K 1
A: mprotect a 20K none
A: load a 1
A: mprotect a 20K read|write
A: store a+16K "z"
A: store a+8K "k"
A: r = mmap 0 40K none private|anonymous
A: b = mremap a 20K 20K maymove|fixed r
A: load b 1
A: load b+8K 1
A: load b+16K 1
A: c = mremap b 20K 12K
A: load c 1
A: load c+8K 1
A: d = mremap c 12K 20K
A: load d+16K 1
A: mprotect d+4K 4K read
A: maps
A: mprotect d+4K 4K read|write
A: maps
A: smaps
A: n = mmap d+20K 8K read|write private|anonymous|fixed
A: maps
A: smaps
A: mremap d 28K 28K maymove|dontunmap
A: smaps
