# MAP_POPULATE on a writable private file mapping pre-faults it for writing, copying every page (Anonymous = Size), while a read-only one just maps the file pages.
file f size=8K fill='q'
sync
spawn A
A: fd = open f rdonly
A: w = mmap 0x100000000 8K read|write private|populate fd 0
A: r = mmap 0x100100000 8K read private|populate fd 0
A: smaps
A: load w 1
cat f 0 1
