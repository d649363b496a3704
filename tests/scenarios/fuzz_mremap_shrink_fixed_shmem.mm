# mremap maymove|fixed to a smaller size moves a shared anonymous mapping (no growth checks apply)
# (found by mmkit fuzz, shrunk)
spawn P0
P0: m0 = mmap 0x100039000 32K read|exec shared|anonymous
fork P0 P1
P1: m1 = mremap m0 32K 4K maymove|fixed 0x100012000
