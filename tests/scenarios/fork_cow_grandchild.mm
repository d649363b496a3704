# Copy-on-write goes down generations: parent, child and grandchild each keep their own version of a private page once they write it; the untouched page stays shared by all three.
spawn A
A: p = mmap 0x100000000 8K read|write private|anonymous|fixed
A: store p "gen0"
A: store p+4K "same"
fork A B
B: store p "gen1"
fork B C
C: store p "gen2"
A: load p 4
B: load p 4
C: load p 4
C: load p+4K 4
C: smaps
