# exec of a dynamic PIE: the program at ELF_ET_DYN_BASE and its interpreter (at the root of the run's directory) mapped as load_elf_interp maps it, below the vDSO.
program dyn_pie
program ld-linux-x86-64.so.2
spawn P
P: exec dyn_pie arg
P: maps
P: smaps
P: status
P: faults
P: load 0x555555554000 4
P: touch 0x7ffff7ffb000 16K write
P: mprotect 0x7ffff7ffb000 4K read
P: touch 0x7ffff7ffb000 4K write
P: munmap 0x7ffff7fcb000 8K
P: maps
P: status
