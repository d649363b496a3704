# A read-only shared mapping of a read-write fd may be made writable by mprotect (VmFlags mw was set at mmap); its stores then reach the file.
file f size=4K fill='u'
spawn A
A: fd = open f rdwr
A: m = mmap 0x100000000 4K read shared fd 0
A: store m "no"
A: smaps
A: mprotect m 4K read|write
A: store m "yes"
cat f 0 3
A: maps
