# mprotect can add PROT_EXEC: maps shows x, and status counts the executable non-writable part as VmLib rather than VmData.
spawn A
A: a = mmap 0x100000000 12K read|write private|anonymous|fixed
A: store a "code"
A: mprotect a 8K read|exec
A: maps
A: status
A: load a 4
A: store a "x"
