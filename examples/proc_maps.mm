# Reading /proc/PID/maps: address range, permissions (s = shared,
# p = private), file offset, device, inode, and a name: the file, [heap],
# [anon:NAME], "(deleted)" once the file is unlinked, /dev/zero (deleted)
# for shared anonymous memory.
file lib.so size=16K fill=0x90
spawn P
P: fd = open lib.so rdonly
P: text = mmap 0 8K read|exec private fd 0
P: data = mmap 0 4K read|write private fd 8K
P: heap0 = brk 0
P: heap1 = brk heap0+8K
P: anon = mmap 0 8K read|write private|anonymous
P: name anon 8K "buffers"       # needs CONFIG_ANON_VMA_NAME (check mirrors the host kernel)
P: shm = mmap 0 4K read|write shared|anonymous
P: guard = mmap 0 4K none private|anonymous
P: maps
P: unlink lib.so
P: maps                         # the mapping keeps the file; maps says (deleted)
