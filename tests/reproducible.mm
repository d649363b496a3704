# Memory pressure for tests/reproducible.sh (run under --ram 16M --swap 64M):
# dirty shared file pages are written back, anonymous pages swapped out and
# in, clean pages dropped -- every kind of reclaim, in 16 MiB of RAM.
file data.bin size=8M fill=0x41
file small.txt text="hello"
spawn P
P: fd = open data.bin rdwr
P: f = mmap 0 8M read|write shared fd 0
P: touch f 8M write
P: g = open small.txt rdwr
P: s = mmap 0 4K read|write shared g 0
P: store s "HELLO"
P: a = mmap 0 24M read|write private|anonymous
P: fill a 24M 0x5a
P: touch f 8M read
P: load a 4
P: b = mmap 0 8M read|write private|anonymous
P: touch b 8M write
P: load f 4
P: faults
P: status
P: maps
P: mincore f 64K
vmstat
drop_caches
P: exit
cat small.txt
