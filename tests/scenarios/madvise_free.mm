# MADV_FREE on private anonymous memory makes the pages lazily freeable, yet they keep their data until memory runs short; a write makes a page normal again.
spawn A
A: a = mmap 0 8K read|write private|anonymous
A: fill a 8K 'z'
A: madvise a 8K free
A: store a "new"
A: load a 4
A: load a+4K 1
A: maps
