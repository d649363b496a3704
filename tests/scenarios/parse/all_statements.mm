# Every statement of the script language once (a parser seed and an example).
file data.txt size=8K fill='a' text="hello\n"
cat data.txt
cat data.txt 0 5
spawn P
P: fd = open data.txt rdwr
P: a = mmap 0 8K read|write shared fd 0
P: load a 6
P: store a+1 "ELLO"
P: msync a 4K sync
cat data.txt 0 6
P: b = mmap 0 16K read|write private|anonymous -1 0
P: fill b 4K 0xff
P: touch b 16K read
P: mincore b 16K
P: madvise b 4K dontneed
P: mprotect b+4K 4K read
P: store b+4K "x"
P: name b 16K "scratch"
P: mlock b 4K
P: munlock b 4K
P: mlockall current|future
P: munlockall
P: c = mremap b 16K 32K maymove
P: munmap c 32K
P: h = brk 0
P: brk h+4K
P: n = read fd 5
P: pread fd 0 5
P: write fd "HE"
P: pwrite fd 100 "xyz"
P: ftruncate fd 4K
P: fsync fd
P: d = dup fd
P: close d
fork P Q
Q: store a "child"
Q: faults
Q: exit
P: maps
P: smaps
P: status
P: pagemap a 2
P: unlink data.txt
P: exec
P: exit
sync
