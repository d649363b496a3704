# The flag and prot arguments the kernel takes as unsigned long (mmap's
# prot and flags, mprotect's prot, mremap's flags) keep all 64 bits: an
# unknown bit above bit 31 is refused where Linux checks for unknown bits
# (mprotect -EINVAL, mremap -EINVAL, MAP_SHARED_VALIDATE -EOPNOTSUPP) and
# ignored where it does not (mmap's prot, MAP_SHARED, MAP_PRIVATE).  The
# ones it takes as int (msync, madvise, mlock2) see only the low 32 bits.
# Found by the guided fuzzer (mremap with flags 0x8000000000000000).
file f text="0123456789"
spawn P
P: fd = open f rdwr
P: m = mmap 0 64K read|write private|anonymous
P: mprotect m 4K 0x100000001
P: mprotect m 4K 0x8000000000000000
P: mprotect m 4K read|write
P: m2 = mremap m 64K 8K 0x100000000
P: m2 = mremap m 64K 8K 0x8000000000000000
P: m2 = mremap m 64K 8K 0x8000000000000001
P: m2 = mremap m 64K 8K maymove
P: msync m 4K 0x100000004
P: madvise m 4K 0x100000004
P: mlock m 4K
P: a = mmap 0 4K read|0x100000000 private|anonymous
P: b = mmap 0 4K read 0x100000022
P: c = mmap 0 4K read|write 0x100000001 fd 0
P: d = mmap 0 4K read|write 0x100000003 fd 0
P: e = mmap 0 4K read|write 0x8000000000000003 fd 0
P: g = mmap 0 4K read 0x100000002 fd 0
P: maps
