# prctl(PR_SET_VMA_ANON_NAME) names anonymous memory: maps shows [anon:NAME], the VMA splits around the named part, clearing the name merges it back.
# requires: anon_vma_name
spawn A
A: a = mmap 0x100000000 12K read|write private|anonymous|fixed
A: name a+4K 4K "buffer"
A: maps
A: name a 12K "buffer"
A: maps
A: name a 12K
A: maps
A: s = mmap 0 4K read|write shared|anonymous
A: name s 4K "shm"
