# exec of a static-pie (ET_DYN, no interpreter): Linux loads it below the mmap base, as it loads an interpreter run directly, and moves the break to ELF_ET_DYN_BASE.
program static_pie
spawn P
P: exec static_pie
P: maps
P: status
P: h = brk 0
P: brk h+4K
P: touch h 4K write
P: touch 0x7ffff7ff7000 32K write
P: load 0x7ffff7f44000 4
P: m = mmap 0 8K read private|anonymous
P: madvise 0x7ffff7f4d000 64K willneed
P: mlock 0x7ffff7ff0000 28K
P: maps
P: smaps
P: faults
