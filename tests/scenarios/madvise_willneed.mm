# MADV_WILLNEED maps nothing: anonymous memory stays non-resident and a file mapping gains no Rss (its pages are only in the page cache); a hole is ENOMEM.
file f size=8K fill='w'
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: madvise a 8K willneed
A: mincore a 8K
A: fd = open f rdonly
A: m = mmap 0x100100000 8K read shared fd 0
A: madvise m 8K willneed
A: mincore m 8K
A: status
A: madvise 0x100002000 4K willneed
