# status after fork: the child's RssAnon counts the inherited private pages at once, but RssShmem only the shared pages it has touched itself.
spawn A
A: p = mmap 0x100000000 8K read|write private|anonymous|fixed
A: s = mmap 0x100100000 8K read|write shared|anonymous|fixed
A: fill p 8K 'p'
A: fill s 8K 's'
fork A B
B: status
B: load s 1
B: status
