# MADV_POPULATE_*: a write-only mapping populates for writing but not reading, an exec-only one
# neither (-EINVAL: no VM_READ); shared anonymous memory; a range starting in the gap below a
# growsdown mapping is a hole (-ENOMEM: GUP does not expand stacks).
spawn A
A: w = mmap 0 8K write private|anonymous
A: madvise w 8K populate_read
A: madvise w 8K populate_write
A: sh = mmap 0 8K read|write shared|anonymous
A: madvise sh 8K populate_write
A: faults
A: g = mmap 0 8K read|write private|anonymous|growsdown
A: madvise g-4K 8K populate_read
A: x = mmap 0 8K exec private|anonymous
A: madvise x 8K populate_read
A: madvise x 8K populate_write
A: smaps
