# A private writable file mapping is charged like anonymous memory (its written pages become anonymous), so one larger than RAM + swap is refused; read-only or shared mappings of the same file are not charged.
file f size=4K fill='f'
spawn A
A: fd = open f rdwr
A: mmap 0 8T read|write private fd 0
A: r = mmap 0 8T read private fd 0
A: s = mmap 0 8T read|write shared fd 0
A: load r 4
A: maps
