# exec of a program whose PT_GNU_STACK asks for an executable stack: the stack is rwx, and a store below it grows it by a page as the CPU's fault would.
program static_xstack
spawn P
P: exec static_xstack
P: maps
P: touch 0x7ffffffde000 4K write
P: touch 0x7ffffffdd000 4K write
P: load 0x7ffffffdc000 1
P: store 0x7ffffff00000 "far below"
P: maps
P: status
P: faults
