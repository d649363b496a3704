# SIGBUS: a file mapping may extend past the end of its file.  Bytes after
# EOF in the last partial page read as zero; a page entirely past EOF gets
# SIGBUS.  Truncating a mapped file makes pages vanish under the mapping --
# even copied-on-write private ones.
file short size=5000 fill='s'
spawn P
P: fd = open short rdwr
P: a = mmap 0 12K read|write private fd 0
P: load a+4999 2                # last byte of the file, then a zero
P: load a+8K 1                  # SIGBUS: the third page is past EOF
P: store a "cow"                # private copy of page 0
P: ftruncate fd 0
P: load a 3                     # SIGBUS even for the copied page (unmap_mapping_range even_cows)
P: ftruncate fd 12K
P: load a 3                     # the file grew back: zeros
