# exec PATH that cannot run: a missing file (-ENOENT), one without execute permission (-EACCES), a #! script (-ENOEXEC: scripts run only ELF programs), a dynamic program whose interpreter is missing (-ENOENT); the process keeps its image and its mappings.
file t text="hello"
file s text="#!/static_bss\n"
program static_bss
program dyn_pie
spawn P
P: a = mmap 0 4K read|write private|anonymous
P: exec nothere
P: exec t
P: exec s
P: exec dyn_pie
P: maps
P: exec static_bss
P: maps
