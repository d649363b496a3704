# mlock of a file mapping past EOF: populating gets SIGBUS, which mlock reports as ENOMEM
# (found by mmkit fuzz, shrunk)
file f0 size=0
spawn P0
P0: fd0 = open f0 rdwr
P0: m0 = mmap 0 64K write private|stack fd0
P0: mlock m0+4096 1
