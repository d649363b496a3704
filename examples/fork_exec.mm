# fork inherits every mapping (private ones copy-on-write); exec tears the
# whole address space down; fds without O_CLOEXEC survive exec.
file data size=8K fill='d'
spawn P
P: fd = open data rdonly
P: fd2 = open data rdonly|cloexec
P: a = mmap 0 8K read private fd 0
P: b = mmap 0 16K read|write private|anonymous
P: store b "inherited"
fork P C
C: maps                         # the same mappings as P
C: load b 9
C: exec
C: maps                         # nothing left
C: load b 9                     # SIGSEGV: the mapping is gone
C: pread fd 0 4                 # the plain fd survived exec
C: pread fd2 0 4                # the close-on-exec one did not
P: load b 9                     # the parent is unaffected
