# an access to a non-canonical address is a #GP: SIGSEGV with SI_KERNEL (code 128) and no address
# (found by mmkit fuzz, shrunk)
spawn P0
fork P0 P1
P1: load 0x800000000000 256K
