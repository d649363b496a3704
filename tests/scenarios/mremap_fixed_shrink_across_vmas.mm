# MREMAP_FIXED that shrinks drops the tail past the new size, so an old range spanning several VMAs is fine when the new size fits in the first; when it does not, the result is EFAULT and nothing is unmapped (neither the tail nor the destination).
spawn A
A: a = mmap 0x100000000 32K read|write private|anonymous|fixed
A: store a "first"
A: mprotect a+28K 4K read
A: b = mremap a 32K 8K maymove|fixed 0x100100000
A: load b 5
A: maps
A: c = mmap 0x100200000 12K read private|anonymous|fixed
A: mprotect c 4K none
A: d = mmap 0x100300000 8K read private|anonymous|fixed
A: mremap c 12K 8K maymove|fixed 0x100300000
A: maps
