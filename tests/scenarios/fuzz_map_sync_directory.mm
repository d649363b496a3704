# A directory's file operations lack FOP_MMAP_SYNC, so MAP_SHARED_VALIDATE|MAP_SYNC of one is
# -EOPNOTSUPP, checked before the missing mmap method's -ENODEV (do_mmap's order); a regular
# file on ext4 knows MAP_SYNC and refuses it later.  (fuzz seed 73)
spawn P1
P1: fd = open . rdonly
P1: m = mmap 0 32K read shared_validate|sync fd
P1: n = mmap 0 32K read shared fd
P1: p = mmap 0 32K read private fd
