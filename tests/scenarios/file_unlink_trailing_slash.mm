# unlink(2) of a name with trailing slashes never removes a file: -ENOTDIR for a regular file (which stays), -ENOENT for a missing name; "/" is a directory.
file f text="keep"
spawn A
A: unlink f/
A: unlink f//
A: unlink missing/
A: unlink /
A: unlink //
cat f
A: unlink f
cat f
