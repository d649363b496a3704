# The four kinds of mapping: private/shared x file/anonymous, and who sees
# whose writes.  Q is a fork of P, so both see the same four mappings.
file f.txt text="0123456789"
spawn P
P: fd = open f.txt rdwr
P: pf = mmap 0 4K read|write private fd 0        # private file: copy-on-write
P: sf = mmap 0 4K read|write shared fd 0         # shared file: the page cache itself
P: pa = mmap 0 4K read|write private|anonymous   # private anonymous: malloc's kind
P: sa = mmap 0 4K read|write shared|anonymous    # shared anonymous: parent/child IPC
P: store pa "P-private"
P: store sa "P-shared"
fork P Q
Q: store pf "Q!"                # private: Q gets its own copy, nobody else sees it
Q: store sf "AB"                # shared: goes into the page cache, so into the file
Q: store pa "Q-private"
Q: store sa "Q-shared"
P: load pf 10                   # P still sees the file's bytes... including Q's shared write
P: load sf 10
P: load pa 9                    # P's own private anonymous page is untouched by Q
P: load sa 8                    # but the shared anonymous page shows Q's write
cat f.txt                       # the file has the shared write, not the private one
P: maps
