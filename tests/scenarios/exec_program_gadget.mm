# A process that runs a program makes its calls and accesses from a syscall instruction of its code (the page is fetched at exec): once the script unmaps it, guards it or makes it non-executable, each such operation is the fetch's SIGSEGV instead, and a zapped page is faulted in again by the next one.
program static_bss
spawn P0
P0: exec static_bss one "two words"
P0: faults
P0: munmap 0x401000 16K
P0: mlockall 0
P0: load 0x400000 4
P0: maps
spawn P1
P1: exec static_bss
P1: m1 = mmap 0 4K write shared|anonymous
P1: madvise 0x401000 480K dontneed
P1: faults
P1: touch m1 4K write
P1: faults
P1: madvise 0x401000 4K guard_install
P1: munmap m1+1335 0
P1: maps
P1: read 0 1
P1: madvise 0x401000 4K guard_remove
P1: mprotect 0x401000 480K read
P1: brk 0
P1: mprotect 0x401000 480K read|exec
P1: brk 0
P1: faults
