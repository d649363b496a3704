# Under mlockall(MCL_FUTURE) a droppable mapping is populated as a locked one would be, but never locked (no VmLck, no "lo").
spawn P
P: mlockall future
P: e = mmap 0 8K read|write droppable|anonymous
P: f = mmap 0 4K read|write private|anonymous
P: status
P: smaps
P: munlockall
P: madvise e 8K free
P: smaps
P: madvise e 8K pageout
P: smaps
P: g = mmap 0 8K read|write droppable|anonymous
P: mlock g 4K onfault
P: munlock g 8K
P: status
