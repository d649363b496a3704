# cat with LEN 0 reads nothing but still opens the file: a missing file is
# -ENOENT, a directory or a file at any offset is "".
file f size=10 fill='a'
cat nothere 1 0
cat nothere -1 0
cat f 1 0
cat f -1 0
cat . 0 0
spawn P
P: unlink f
cat f 0 0
