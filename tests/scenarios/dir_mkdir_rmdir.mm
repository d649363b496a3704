# mkdir(2) and rmdir(2) with Linux's errors: a name that exists, a missing parent, a file in the way, ".", "..", the root, trailing slashes, a non-empty directory; a directory opens read-only (O_DIRECTORY refuses a file) and reads -EISDIR; paths that would leave the run directory are -EACCES.
file f text="data"
spawn P
P: mkdir d
P: mkdir d
P: mkdir d/e/
P: mkdir nx/a
P: mkdir f/a
P: mkdir f
P: mkdir .
P: mkdir d/..
P: mkdir /
P: mkdir ../x
P: mkdir /x
P: x = open d rdonly|directory
P: read x 4
P: close x
P: open f rdonly|directory
P: open d wronly
P: open d rdwr|directory
P: open f/ rdonly
P: rmdir d
P: rmdir f
P: rmdir f/
P: rmdir d/e/.
P: rmdir d/e/..
P: rmdir /
P: rmdir //
P: rmdir ../d
P: rmdir nx
P: unlink d
P: unlink d/
P: rmdir d/e/
P: rmdir d
P: rmdir d
P: open d rdonly|directory
cat f
