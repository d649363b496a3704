# Reading a file through a mapping, and after closing its fd.
# A mapping keeps its file open: once mmap has returned, the fd is no longer
# needed.  Nothing is read until the first access faults the page in.
file story.txt text="Once upon a time, a process mapped a file.\n"
spawn P
P: fd = open story.txt rdonly
P: a = mmap 0 4K read private fd 0
P: close fd
P: mincore a 4K                 # 0: mapping made, nothing in RAM for this process yet
P: load a 42                    # page fault -> page read from the file -> PTE set
P: load a+42 2                  # the rest of the page past the text reads as zeros
P: maps
P: munmap a 4K
