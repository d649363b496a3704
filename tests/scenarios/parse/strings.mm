# Strings: C escapes, concatenation and repeats; numbers and names.
spawn P
P: a = mmap 0 0x10000 read|write private|anonymous
P: store a "tab\there\nnul\0bell\a \x41\101 quote\" backslash\\"
P: store a+4K "ab"*3 "-" "\0"*100
P: load a+4K 107
x = a+8K-1
P: fill x 1 'z'
P: load x 1
