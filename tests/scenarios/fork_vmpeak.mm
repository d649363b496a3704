# A forked child's VmPeak starts at its own size (dup_mm: hiwater_vm = total_vm), not at the parent's peak.
file f0 size=0
spawn P0
P0: fd0 = open f0 rdwr
P0: m1 = mmap 0 16K read private|hassemaphore fd0
P0: m4 = mremap m1 16K 8K maymove|fixed 0x10002f000
fork P0 P1
P1: status
