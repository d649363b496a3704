# MADV_COLLAPSE (25) is known advice: over a hole it is -ENOMEM, on any mapping -EINVAL, as THP is never allowed (the process is as PR_SET_THP_DISABLE makes it).
file f size=8K
spawn P0
P0: madvise 0x40000000 4095 25
P0: a = mmap 0x100000000 2M read|write private|anonymous|fixed
P0: madvise a 2M 25
P0: madvise a-4K 8K 25
P0: madvise a+2M 4K 25
P0: madvise a 0 25
P0: madvise a+1 4K 25
P0: fd = open f rdwr
P0: b = mmap 0x100400000 8K read shared|fixed fd 0
P0: madvise b 8K 25
P0: madvise a 8M 25
