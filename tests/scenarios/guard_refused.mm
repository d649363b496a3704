# Where MADV_GUARD_INSTALL is refused (-EINVAL on a VM_LOCKED VMA, with the VMAs before it already guarded; -ENOMEM for a hole, after the mapped parts are guarded), and how guard markers meet mlock and populate: MADV_POPULATE_* fail with -EFAULT at a marker, mlock of a guarded range fails, GUARD_REMOVE works on a locked VMA.
spawn A
A: a = mmap 0 40K read|write private|anonymous
A: fill a 40K 'm'
A: mlock a+20K 8K
A: madvise a 40K guard_install
A: load a 1
A: load a+20K 1
A: munlock a 40K
A: madvise a+4K 4K guard_remove
A: madvise a+4K 4K populate_read
A: madvise a 8K populate_read
A: madvise a 8K populate_write
A: mlock a 8K
A: mlock a+4K 4K
A: madvise a 8K guard_remove
A: madvise a 40K guard_install
A: mlock a 40K
A: madvise a 40K guard_remove
A: mlock a 40K
A: madvise a 4K guard_install
A: madvise a 40K guard_remove
A: munlock a 40K
A: munmap a+16K 4K
A: madvise a 40K guard_install
A: load a+20K 1
A: madvise a+1 4K guard_install
A: madvise a 0 guard_install
A: madvise a 4K 102
A: madvise a 4K 103
A: l = mmap 0 8K read|write private|anonymous|locked
A: madvise l 8K guard_install
A: madvise l 8K guard_remove
A: smaps
A: status
