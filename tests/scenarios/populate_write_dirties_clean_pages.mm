# GUP's write population (FOLL_WRITE | FOLL_TOUCH) marks a page dirty when its PTE is writable but
# clean: mprotect making part of a locked private mapping writable populates it for write (the PTEs
# turn writable without a fault), and mlock after MADV_FREE finds the freed pages' PTEs clean.
# Both show up as Private_Dirty; the lazily freed pages are no longer LazyFree.  (fuzz seed 42)
spawn A
A: m = mmap 0x100035000 32K exec private|anonymous|fixed|locked
A: mprotect m+4K 16K read|write
A: n = mmap 0 16K read|write private|anonymous
A: touch n 16K write
A: madvise n 8K free
A: mlock n 16K
A: smaps
