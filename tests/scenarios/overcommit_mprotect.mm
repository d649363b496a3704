# mprotect adding PROT_WRITE to private memory charges it (mprotect_fixup): over RAM + swap it is refused with ENOMEM and the mapping is left as it was; a small part, or MAP_NORESERVE memory, may become writable.
spawn A
A: r = mmap 0 8T read private|anonymous
A: mprotect r 8T read|write
A: mprotect r 16K read|write
A: store r "ok"
A: n = mmap 0 8T read private|anonymous|noreserve
A: mprotect n 8T read|write
A: smaps
