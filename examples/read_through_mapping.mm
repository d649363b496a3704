# Reading a file through a mapping, and after closing its fd.
# A mapping keeps its file open: once mmap has returned, the fd is no longer
# needed.  Nothing is read until the first access faults the page in.
file story.txt text="Once upon a time, a process mapped a file.\n"
spawn P
P: fd = open story.txt rdonly
P: a = mmap 0 4K read private fd 0
P: close fd
P: mincore a 4K                 # 1: the page is in the page cache (the file was just written)...
P: status                       # ...but not mapped into P yet: VmRSS 0
P: load a 42                    # page fault -> cached page found -> PTE set (minor fault)
P: load a+42 2                  # the rest of the page past the text reads as zeros
P: maps
P: munmap a 4K
