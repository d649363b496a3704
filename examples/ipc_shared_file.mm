# IPC between two unrelated processes through a MAP_SHARED file mapping.
# Both map the same file; they share its page-cache pages, so a store by one
# is a load away for the other -- no read() or write() in between.
file mailbox size=4K
spawn Writer
spawn Reader
Writer: fd = open mailbox rdwr
Reader: fd2 = open mailbox rdwr
Writer: w = mmap 0 4K read|write shared fd 0
Reader: r = mmap 0 4K read|write shared fd2 0
Writer: store w "hello from Writer"
Reader: load r 17
Reader: store r+100 "reply"
Writer: load w+100 5
Writer: msync w 4K sync         # and it reaches the file on disk
cat mailbox 0 17
