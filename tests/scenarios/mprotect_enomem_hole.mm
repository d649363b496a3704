# mprotect over a range with a hole fails with ENOMEM, after changing the mappings before the hole; unmapped start changes nothing.
spawn A
A: a = mmap 0x100000000 8K read private|anonymous|fixed
A: b = mmap 0x100003000 4K read private|anonymous|fixed
A: mprotect a 16K read|write
A: maps
A: mprotect 0x100002000 8K none
A: maps
