# Anonymous mappings whose length is a multiple of 2 MiB are placed on a 2 MiB boundary (THP alignment), others are not.
spawn A
A: a = mmap 0 4K read private|anonymous
A: b = mmap 0 2M read private|anonymous
A: c = mmap 0 12K read private|anonymous
A: d = mmap 0 4M read|write private|anonymous
A: e = mmap 0 0x201000 read private|anonymous
A: maps
