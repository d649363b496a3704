# File mappings on ext4/xfs are placed by thp_get_unmapped_area: 2 MiB aligned where the file offsets allow (tmpfs would place them plainly; mmkit asks the host file system).
file big size=4M
spawn P
P: fd = open big rdonly
P: x = mmap 0 4K read|write private|anonymous
P: a = mmap 0 4M read shared fd 0
P: b = mmap 0 2M read private fd 0
P: c = mmap 0 6M read private fd 2M
P: maps
