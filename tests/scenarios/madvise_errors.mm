# madvise needs a page-aligned start and a known advice (EINVAL); a range with unmapped pages is ENOMEM (after advising the mapped part).
spawn A
A: a = mmap 0x100000000 8K read|write private|anonymous|fixed
A: madvise a+1 4K dontneed
A: madvise a 4K 99
A: madvise a 0 dontneed
A: madvise a 16K nohugepage
A: madvise 0x100100000 4K willneed
A: smaps
