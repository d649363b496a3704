# MADV_POPULATE_READ / _WRITE (Linux 5.14): fault a range in as GUP does, without FOLL_FORCE.  A VMA
# that does not allow the access is -EINVAL (PROT_NONE, read-only for _WRITE, write- or exec-only for
# _READ); a hole -ENOMEM; a page past EOF -EFAULT, with the pages before it populated.  Faults count
# per page (fault-around still maps around a read), _WRITE breaks COW of a private file mapping.
file f size=10000 fill='a'
spawn A
A: fd = open f rdwr
A: a = mmap 0 16K read|write private|anonymous
A: madvise a 16K populate_read
A: faults
A: mincore a 16K
A: b = mmap 0 16K read|write private|anonymous
A: madvise b 16K populate_write
A: faults
A: r = mmap 0 16K read private|anonymous
A: madvise r 16K populate_write
A: madvise r 16K populate_read
A: faults
A: n = mmap 0 16K none private|anonymous
A: madvise n 16K populate_read
A: madvise n 16K populate_write
A: s = mmap 0 16K read|write shared fd
A: madvise s 16K populate_read
A: faults
A: madvise s 16K populate_write
A: faults
A: p = mmap 0 8K read|write private fd
A: madvise p 8K populate_write
A: faults
A: madvise a+1 4K populate_read
A: madvise a 0 populate_read
A: munmap b+4K 4K
A: madvise b 16K populate_read
A: smaps
