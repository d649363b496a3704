# file_mmap_ok() bounds the offset by file_mmap_size_max(): MAX_LFS_FILESIZE for a regular file (-EOVERFLOW here), ULONG_MAX for a directory, which then fails with -ENODEV (it has no mmap).  Found by mmkit fuzz --seed 13.
file f size=4K
spawn P0
P0: d = open . rdonly
P0: m = mmap 0 4K read private d 0x7ffffffffffff000
P0: f = open f rdonly
P0: n = mmap 0 4K read private f 0x7ffffffffffff000
P0: o = mmap 0 4K read private d 0xfffffffffffff000
