# The phases of a page fault on a file mapping:
#   1. mmap creates a VMA -- nothing is read, nothing is in RAM;
#   2. the first access faults; the kernel finds the VMA, looks for the page
#      in the page cache, does not find it and reads it from the file (a
#      major fault), reading ahead the pages around it in the same I/O, then
#      sets the page-table entry -- mapping the cached neighbours too
#      (fault-around);
#   3. later accesses to the same page are plain memory accesses.
# Run with --trace to watch each phase.
file big size=64K fill='b'
spawn P
P: fd = open big rdonly
P: fadvise fd 0 0 dontneed      # make the file cold: `file` left its pages in the page cache
P: a = mmap 0x100000000 64K read shared fd 0
P: mincore a 64K                # nothing of the file is in memory
P: status                       # phase 1: the VMA exists (VmSize 64 kB) but VmRSS is 0
P: faults
P: load a+8K 4                  # phase 2: fault -> not cached -> read from disk with readahead -> PTE set (and fault-around)
P: faults                       # one major fault
P: mincore a 64K                # readahead brought the whole (small) file in
P: status                       # fault-around mapped all 16 cached pages: VmRSS 64 kB
P: load a+8K 4                  # phase 3: no fault this time
P: faults
P: load a+64K 1                 # beyond the mapping: SIGSEGV (SEGV_MAPERR)
P: munmap a 64K
P: load a 1                     # the VMA is gone: SIGSEGV again
