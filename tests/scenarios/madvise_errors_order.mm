# madvise validates before it walks: an unaligned start or unknown advice is EINVAL even on unmapped memory; a length that wraps is EINVAL; DONTNEED on locked memory is EINVAL; FREE on a file mapping is EINVAL.
file f size=4K fill='e'
spawn A
A: madvise 0x100100001 4K dontneed
A: madvise 0x100100000 4K 77
A: madvise 0x100100000 4K dontneed
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: madvise a 0xfffffffffffff000 dontneed
A: madvise a 100 dontneed
A: mlock a+4K 4K
A: madvise a 8K dontneed
A: fd = open f rdwr
A: m = mmap 0x100200000 4K read|write shared fd 0
A: madvise m 4K free
A: p = mmap 0x100300000 4K read|write private fd 0
A: madvise p 4K free
