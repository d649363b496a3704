# exec of a static ET_EXEC program: its segments at their p_vaddr, the bss (its partial page zeroed, the rest anonymous), the break after it, the stack and the vDSO; the process stays scriptable at its entry point.
program static_bss
spawn P
P: exec static_bss one "two words"
P: maps
P: smaps
P: status
P: faults
P: load 0x400000 4
P: load 0x4a6ff0 32
P: touch 0x4a7000 20K write
P: store 0x4a8000 "bss"
P: load 0x4a8000 4
P: store 0x401000 "x"
P: h = brk 0
P: brk h+12K
P: touch h 8K write
P: a = mmap 0 16K read|write private|anonymous
P: mprotect 0x4a0000 4K read
P: store 0x4a0000 "ro"
P: munmap 0x479000 4K
P: maps
P: status
P: faults
P: exit
