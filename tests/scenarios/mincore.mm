# mincore reports residency: anonymous pages once touched, file pages whenever they are in the page cache (mapped or not); an unaligned start is EINVAL, an unmapped range ENOMEM.
file f size=16K fill='c'
spawn A
A: a = mmap 0 16K read|write private|anonymous
A: touch a+4K 4K write
A: touch a+12K 4K read
A: mincore a 16K
A: fd = open f rdonly
A: m = mmap 0 16K read shared fd 0
A: mincore m 16K
A: mincore a+1 4K
A: mincore 0x100000000 4K
A: mincore a 5000
