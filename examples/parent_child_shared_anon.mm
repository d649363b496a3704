# A parent and its child talking through shared anonymous memory
# (MAP_SHARED|MAP_ANONYMOUS): no file, but the same pages after fork.
# Private anonymous memory, in contrast, is copied on write.
spawn Parent
Parent: shared = mmap 0 4K read|write shared|anonymous
Parent: private = mmap 0 4K read|write private|anonymous
Parent: store private "before fork"
fork Parent Child
Child: store shared "child was here"
Child: store private "child copy"
Parent: load shared 14          # sees the child's write
Parent: load private 11         # does not: copy-on-write gave the child its own page
Parent: maps
