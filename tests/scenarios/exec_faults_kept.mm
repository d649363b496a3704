# Page-fault counts belong to the task, so they survive exec; a forked child starts counting from zero.
spawn A
A: a = mmap 0 16K read|write private|anonymous
A: touch a 16K write
A: faults
fork A B
B: faults
A: exec
A: faults
A: b = mmap 0 8K read|write private|anonymous
A: touch b 8K write
A: faults
