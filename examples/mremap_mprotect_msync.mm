# Changing a mapping after the fact: mprotect splits a VMA and merges it
# back; a write after a read copies the zero page; mremap grows in place or
# moves; msync writes a shared mapping back.
file log size=4K
spawn P
P: a = mmap 0 12K read|write private|anonymous
P: mprotect a+4K 4K read        # three VMAs: rw- r-- rw-
P: maps
P: store a+4K "x"               # SIGSEGV (SEGV_ACCERR): the middle page is read-only
P: mprotect a+4K 4K read|write  # merged back into one
P: maps
P: load a 1                     # a read of untouched private memory maps the shared zero page
P: store a "keep me"            # the write copies it: a page of its own (copy-on-write of the zero page)
P: b = mremap a 12K 8K          # shrink in place
P: c = mmap b+8K 4K read private|anonymous|fixed
P: d = mremap b 8K 64K maymove  # cannot grow in place: moves, pages and all
P: load d 7
P: maps
P: fd = open log rdwr
P: s = mmap 0 4K read|write shared fd 0
P: store s "written through the mapping"
P: msync s 4K sync
cat log 0 27
