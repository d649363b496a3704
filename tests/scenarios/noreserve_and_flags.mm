# MAP_NORESERVE shows as VmFlags nr (and no ac: not accounted); MAP_STACK as nh (no huge pages); MAP_HASSEMAPHORE changes nothing.
spawn A
A: a = mmap 0 4K read|write private|anonymous|noreserve
A: b = mmap 0 4K read|write private|anonymous|stack
A: c = mmap 0 4K read|write private|anonymous|hassemaphore
A: d = mmap 0 4K read private|anonymous
A: smaps
