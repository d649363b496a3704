# mlock2(MLOCK_ONFAULT) locks without faulting in (VmFlags lo and lf, Rss 0 until touched); MAP_LOCKED maps locked and populated.
spawn A
A: a = mmap 0 16K read|write private|anonymous
A: mlock a 16K onfault
A: smaps
A: touch a 4K write
A: smaps
A: b = mmap 0 8K read|write private|anonymous|locked
A: smaps
A: mlock a 4K 0x4
