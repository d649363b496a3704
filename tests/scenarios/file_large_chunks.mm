# `file` larger than the 4 MiB pieces it is written in: the pieces join up
# (the text over the start, across the first piece's end, then the fill
# byte), and every page starts cached and clean, as one whole-file write
# leaves it.
file big size=9M+5 fill='a' text="s"*4194300 "0123456789"
cat big 0 4
cat big 4194298 14
cat big 8388604 8
cat big 9437180 16
spawn P
P: fd = open big rdonly
P: m = mmap 0 9M+5 read shared fd
P: mincore m 9M+5
P: load m+4M-6 14
P: load m+9M 5
P: smaps
