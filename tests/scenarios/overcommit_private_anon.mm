# vm.overcommit_memory=0 refuses one private writable mapping larger than RAM + swap (ENOMEM) and leaves nothing behind; read-only and MAP_NORESERVE memory is not charged, so the same size maps.
spawn A
A: mmap 0 8T read|write private|anonymous
A: maps
A: r = mmap 0 8T read private|anonymous
A: n = mmap 0 8T read|write private|anonymous|noreserve
A: w = mmap 0 64K read|write private|anonymous
A: smaps
A: status
