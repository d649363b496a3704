# mlockall(MCL_FUTURE|MCL_ONFAULT) locks later mappings without populating them (VmFlags lo lf, Rss 0); pages are locked as they are touched.
spawn A
A: mlockall future|onfault
A: a = mmap 0x100000000 16K read|write private|anonymous|fixed
A: smaps
A: touch a 4K write
A: status
A: munlockall
A: b = mmap 0x100100000 4K read|write private|anonymous|fixed
A: maps
A: smaps
