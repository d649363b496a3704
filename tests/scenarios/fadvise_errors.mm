# posix_fadvise's errors: a closed fd is EBADF, a negative length or unknown advice EINVAL; the readahead-mode advice is accepted on a file.
file f size=4K fill='x'
spawn P
P: fd = open f rdonly
P: fadvise 99 0 0 dontneed
P: fadvise fd 0 0-1 dontneed
P: fadvise fd 0 0 6
P: fadvise fd 0 0 100
P: fadvise fd 0 0 normal
P: fadvise fd 0 0 random
P: fadvise fd 0 0 sequential
P: fadvise fd 0 0 noreuse
P: fadvise fd 0-4096 4K dontneed
P: close fd
P: fadvise fd 0 0 willneed
