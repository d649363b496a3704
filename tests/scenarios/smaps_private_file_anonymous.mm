# smaps of a private file mapping counts written pages as Anonymous and Private_Dirty, pages only read as file pages (clean once written back).
file f size=12K fill='p'
sync
spawn A
A: fd = open f rdonly
A: p = mmap 0x100000000 12K read|write private fd 0
A: load p 1
A: store p+4K "cow"
A: smaps
A: status
