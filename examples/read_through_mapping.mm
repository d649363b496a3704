# Reading a file through a mapping, and after closing its fd.
# A mapping keeps its file open: once mmap has returned, the fd is no longer
# needed.  Nothing is read until the first access faults the page in.
file story.txt text="Once upon a time, a process mapped a file.\n"
spawn P
P: fd = open story.txt rdonly
P: fadvise fd 0 0 dontneed      # make the file cold: `file` left its page in the page cache
P: a = mmap 0 4K read private fd 0
P: close fd
P: mincore a 4K                 # 0: nothing of the file is in memory...
P: status                       # ...and nothing is mapped into P: VmRSS 0
P: faults
P: load a 42                    # page fault -> not in the page cache -> read from disk (major fault) -> PTE set
P: faults
P: mincore a 4K                 # 1: the page is in the page cache now
P: load a+42 2                  # the rest of the page past the text reads as zeros, no fault
P: maps
P: munmap a 4K
