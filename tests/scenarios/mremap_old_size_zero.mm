# mremap with old_size 0 duplicates a shared mapping (a second view of the same pages); on a private mapping it is EINVAL.
spawn A
A: s = mmap 0 8K read|write shared|anonymous
A: store s "shared"
A: t = mremap s 0 8K maymove
A: load t 6
A: store t+4K "both"
A: load s+4K 4
A: p = mmap 0 8K read|write private|anonymous
A: mremap p 0 8K maymove
A: maps
