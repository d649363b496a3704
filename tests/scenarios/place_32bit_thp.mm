# MAP_32BIT with a 2 MiB-multiple length is THP-aligned as any other (Linux 6.18): the padded bottom-up search from 1 GiB finds 0x40000000 and the aligned start moves up 2 MiB; a hint, or a search that cannot fit the padding, places plainly.
file f size=4M
spawn A
A: a = mmap 0 2M read private|anonymous|32bit
A: b = mmap 0 4M read|write private|anonymous|32bit
A: c = mmap 0 4K read private|anonymous|32bit
A: d = mmap 0 2M read shared|anonymous|32bit
A: fd = open f rdonly
A: e = mmap 0 2M read private|32bit fd 0
A: g = mmap 0 4M read shared|32bit fd 0
A: h = mmap 0 2M read private|32bit fd 4K
A: i = mmap 0x50000000 2M read private|anonymous|32bit
A: j = mmap 0 1G read private|anonymous|32bit|noreserve
A: maps
