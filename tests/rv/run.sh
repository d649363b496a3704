#!/bin/sh
# tests/rv/run.sh - `mmkit exec` end to end (docs/RISCV.md).  Needs the
# release build and `make rv-progs` (build/rv-progs: each program built for
# riscv64 and for the host).  Ends with "N passed, N failed".
#
#   - tests/rv/isa.S on mmkit exec and on qemu-riscv64 (exit status 0 = every
#     case matched the specification; else the failing case's number);
#   - every program of examples/c and tests/rv/progs (static_pie is a
#     static PIE, the rest static; dirs makes, lists and removes
#     directories): standard output and
#     exit status on mmkit exec equal those of the host build run natively
#     (the memory semantics are Linux's on both) and of qemu-riscv64 (the
#     instruction set), except where qemu-user is no oracle: it cannot
#     execve a riscv64 binary without binfmt_misc (pipes_exec, itimer_exec,
#     spawn_system), its heap is
#     not [heap] (maps_check), its maps are not Linux's (proc_maps), it
#     accepts any madvise advice (madvise_dontneed), Debian's qemu-user
#     (before 8.1) gives riscv64 programs no vDSO at all (vdso_lookup),
#     it catches every host signal itself, so an ignored SIGALRM still
#     restarts the host's periodic timer (itimer_ignored), and its ppoll
#     writes neither revents nor the time left back when a signal
#     interrupts it and checks nfds against no RLIMIT_NOFILE (poll_edges);
#   - poll_stdin: poll and select wait on a host stream whose input comes
#     late, fed the same to the host build;
#   - unsupported_warn (mmkit exec only: the host supports its calls): each
#     unsupported call gives its error, and one warning on stderr the
#     first time only;
#   - /proc/self/maps as the guest reads it: byte for byte mmkit's view of
#     the process (maps_raw, against `mmkit exec --maps`); maps_check checks it after
#     each step (mmap, mprotect of a middle page, munmap, malloc, locals,
#     main) and is compared with the host kernel's answers; proc_maps must
#     list the program's three segments, [heap], [vdso] and [stack] in
#     Linux's order;
#   - dynamically linked builds of some (dyn/, with the cross libc's
#     ld.so, libc and libm in dyn/lib) against the host build;
#   - --ram 32M with --swap 512M: 256 MiB touched and read back; without
#     swap the guest is OOM-killed (137) and mmkit exits normally.
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
MMKIT=$(pwd)/$B/mmkit
DIR=$B/rv-progs
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }

if ! command -v qemu-riscv64 >/dev/null 2>&1 || [ ! -x "$DIR/isa" ]; then
	echo "FAIL qemu-riscv64 or $DIR missing (sh scripts/deps.sh; make rv-progs)"
	echo "0 passed, 1 failed"
	exit 1
fi
cd "$DIR" || exit 2
printf 'a file mapped and printed\nsecond line\n' >map_file.txt

# isa: the reservation case (46) is Linux's, not qemu-user's: qemu skips it
"$MMKIT" exec ./isa
rc=$?
[ $rc -eq 0 ] && ok "isa on mmkit exec" || bad "isa on mmkit exec: case $rc failed"
qemu-riscv64 ./isa qemu
rc=$?
[ $rc -eq 0 ] && ok "isa on qemu-riscv64" || bad "isa on qemu-riscv64: case $rc failed"

# prog [args]: mmkit vs host, and vs qemu unless listed as no oracle
compare() {
	p=$1
	shift
	"$MMKIT" exec "./$p" "$@" >"$p.mmkit.out" 2>"$p.mmkit.err"
	echo "exit $?" >>"$p.mmkit.out"
	"./$p.host" "$@" >"$p.host.out" 2>/dev/null
	echo "exit $?" >>"$p.host.out"
	if cmp -s "$p.mmkit.out" "$p.host.out" && [ ! -s "$p.mmkit.err" ]; then
		ok "$p: same as the host"
	else
		bad "$p: differs from the host"
		diff "$p.host.out" "$p.mmkit.out" | head -20
		head -5 "$p.mmkit.err"
	fi
	case "$p" in pipes_exec | itimer_exec | spawn_system | maps_check | proc_maps | madvise_dontneed | vdso_lookup | itimer_ignored | poll_edges) return ;; esac
	qemu-riscv64 "./$p" "$@" >"$p.qemu.out" 2>/dev/null
	echo "exit $?" >>"$p.qemu.out"
	if cmp -s "$p.mmkit.out" "$p.qemu.out"; then
		ok "$p: same as qemu-riscv64"
	else
		bad "$p: differs from qemu-riscv64"
		diff "$p.qemu.out" "$p.mmkit.out" | head -20
	fi
}

for f in *.host; do
	p=${f%.host}
	case "$p" in
	touch_big | proc_maps | maps_raw | deadlock | unsupported_warn | poll_stdin) ;;
	map_file) compare map_file map_file.txt ;;
	args_env) MMKIT_RV_TEST=set compare args_env one "two words" ;;
	*) compare "$p" ;;
	esac
done

# proc_maps: the guest's /proc/self/maps lists the program's three segments,
# the heap, the vdso and the stack as Linux's load_elf_binary leaves them
"$MMKIT" exec ./proc_maps --names >proc_maps.out 2>&1
want='r-xp /proc_maps
r--p /proc_maps
rw-p /proc_maps
[heap]
[vdso]
[stack]'
got=$(sed -e 's|/[^ ]*/proc_maps$|/proc_maps|' proc_maps.out | grep -E 'proc_maps$|\[heap\]|\[vdso\]|\[stack\]' |
	sed -e 's/^rw-p \[/[/' -e 's/^r-xp \[vdso/[vdso/')
[ "$got" = "$want" ] && ok "proc_maps: segments, heap, vdso, stack" ||
	{ bad "proc_maps: segments, heap, vdso, stack"; cat proc_maps.out; }

# maps_raw: the guest's /proc/self/maps is mmkit's view, byte for byte
"$MMKIT" exec --maps ./maps_raw >maps_raw.out 2>maps_raw.err
sed -n '/^== maps of pid/,/^== end of maps/p' maps_raw.err | sed '1d;$d' >maps_raw.view
if [ -s maps_raw.out ] && cmp -s maps_raw.out maps_raw.view; then
	ok "maps_raw: /proc/self/maps equals mmkit's view"
else
	bad "maps_raw: /proc/self/maps equals mmkit's view"
	diff maps_raw.out maps_raw.view | head
fi

# poll on the host's standard input, whose line comes late: mmkit exec
# waits on the host stream (every guest blocked is no deadlock here)
(sleep 0.3; echo late) | "$MMKIT" exec ./poll_stdin >poll_stdin.out 2>&1
echo "exit $?" >>poll_stdin.out
(sleep 0.3; echo late) | ./poll_stdin.host >poll_stdin.host.out 2>&1
echo "exit $?" >>poll_stdin.host.out
if cmp -s poll_stdin.out poll_stdin.host.out; then
	ok "poll_stdin: waits on the host's stream, same as the host"
else
	bad "poll_stdin: waits on the host's stream, same as the host"
	diff poll_stdin.host.out poll_stdin.out | head
fi

# unsupported calls: their errors, each warned about once (made twice)
"$MMKIT" exec ./unsupported_warn >unsupported_warn.out 2>unsupported_warn.err
rc=$?
want='mmkit exec: system call 999 not supported (ENOSYS)
mmkit exec: futex: op 5 not supported (ENOSYS)
mmkit exec: clone: flags 0x111 (sharing but not a thread) not supported (ENOSYS)
mmkit exec: clock_nanosleep: CPU-time clock -6 not supported (EOPNOTSUPP)'
if [ $rc -eq 0 ] && [ "$(cat unsupported_warn.err)" = "$want" ] &&
	[ "$(grep -c '?' unsupported_warn.out)" -eq 0 ] && [ "$(wc -l <unsupported_warn.out)" -eq 8 ]; then
	ok "unsupported_warn: errors, one warning each"
else
	bad "unsupported_warn: errors, one warning each (exit $rc)"
	cat unsupported_warn.out unsupported_warn.err | head -20
fi

# dynamically linked: ld.so, libc and libm come from dyn/lib under --root
for f in dyn/*; do
	[ -f "$f" ] || continue
	p=${f#dyn/}
	"$MMKIT" exec --root dyn "./$p" >"$p.dyn.out" 2>"$p.dyn.err"
	echo "exit $?" >>"$p.dyn.out"
	"./$p.host" >"$p.host.out" 2>/dev/null
	echo "exit $?" >>"$p.host.out"
	if cmp -s "$p.dyn.out" "$p.host.out" && [ ! -s "$p.dyn.err" ]; then
		ok "$p (dynamically linked): same as the host"
	else
		bad "$p (dynamically linked): differs from the host"
		diff "$p.host.out" "$p.dyn.out" | head -10
		head -5 "$p.dyn.err"
	fi
done

# memory pressure
out=$("$MMKIT" exec --ram 32M --swap 512M ./touch_big 2>&1)
rc=$?
[ $rc -eq 0 ] && [ "$out" = "256 MiB touched and read back" ] && ok "256 MiB in 32M RAM with swap" ||
	bad "256 MiB in 32M RAM with swap: $rc $out"
"$MMKIT" exec --ram 32M ./touch_big >/dev/null 2>&1
rc=$?
[ $rc -eq 137 ] && ok "256 MiB in 32M RAM without swap: OOM-killed (137)" ||
	bad "256 MiB in 32M RAM without swap: exit $rc, not 137"

# a deadlock (which would hang on Linux) is found and ends the run
out=$("$MMKIT" exec ./deadlock 2>&1)
rc=$?
[ $rc -eq 137 ] && echo "$out" | grep -q "every process is blocked" && ok "deadlock: killed (137)" ||
	bad "deadlock: exit $rc: $out"

# bad input: a missing program, a non-ELF file, bad options
"$MMKIT" exec ./no_such_program >/dev/null 2>&1
[ $? -eq 127 ] && ok "missing program: 127" || bad "missing program"
"$MMKIT" exec ./map_file.txt >/dev/null 2>&1
rc=$?
[ $rc -eq 126 ] && ok "not an ELF file: 126" || bad "not an ELF file: $rc"
"$MMKIT" exec --ram nonsense ./isa >/dev/null 2>&1
[ $? -eq 2 ] && ok "bad --ram: usage error" || bad "bad --ram"

rm -f ./*.out ./*.err ./*.view map_file.txt
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
