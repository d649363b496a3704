# VmPeak is raised only when memory is unmapped (update_hiwater_vm); VmPeak shows max(that, VmSize) (found by mmkit fuzz)
file f0 size=100 fill='a'
spawn P0
P0: fd0 = open f0 rdwr
P0: m0 = mmap 0 4K read|growsup shared fd0 8K
P0: m1 = mremap m0 4K 64K maymove|fixed 0x10000a000
P0: munmap 0x100003000 256K
P0: status
