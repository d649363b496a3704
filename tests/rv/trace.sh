#!/bin/sh
# tests/rv/trace.sh - `mmkit exec --trace[=brief|full|json]` and `mmkit
# exec --html` (docs/RISCV.md, "Tracing" and "The view").  Needs the
# release build and `make rv-progs`.  The expectations are written by hand
# from what the programs do:
#   examples/c/parent_child_anon.c maps 4K of shared anonymous memory,
#   forks; the child stores into the shared page and exits 7 (after fork,
#   each process's first store to a page they share copies it); the parent
#   waits, prints and exits 0;
#   tests/rv/progs/many_calls.c makes 3000 getppid calls in a loop;
#   tests/rv/progs/malloc_heavy.c fills more heap than 8M of RAM holds.
# Ends with "N passed, N failed".
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
MMKIT=$(pwd)/$B/mmkit
DIR=$B/rv-progs
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
count() { # NAME FILE PATTERN TEST: the number of lines matching PATTERN passes `test N TEST`
	n=$(grep -c -E -- "$3" "$2")
	if [ "$n" $4 ]; then ok "$1"; else bad "$1: $n lines match '$3'"; fi
}

if [ ! -x "$DIR/parent_child_anon" ] || [ ! -x "$DIR/many_calls" ]; then
	echo "FAIL $DIR/parent_child_anon or many_calls missing (make rv-progs)"
	echo "0 passed, 1 failed"
	exit 1
fi
work=$(mktemp -d /tmp/mmkit-rv-trace.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$DIR" || exit 2

"$MMKIT" exec ./parent_child_anon >"$work/plain.out" 2>"$work/plain.err"
"$MMKIT" exec --trace ./parent_child_anon >"$work/default.out" 2>"$work/default.err"
for style in brief full json; do
	"$MMKIT" exec --trace=$style ./parent_child_anon >"$work/$style.out" 2>"$work/$style.err" ||
		bad "--trace=$style: the program exits 0"
	if cmp -s "$work/plain.out" "$work/$style.out"; then
		ok "--trace=$style leaves the program's output as it was"
	else
		bad "--trace=$style leaves the program's output as it was"
	fi
done
if cmp -s "$work/default.err" "$work/brief.err"; then ok "--trace is --trace=brief"; else bad "--trace is --trace=brief"; fi

b=$work/brief.err
f=$work/full.err
count "every line names the process and pc (and the system call, if one runs)" "$b" \
	'^\[trace\] pid [0-9]+ (pc (0|0x[0-9a-f]+)( in [a-z0-9_]+)?: |exits )' "-gt 20"
count "...and no line does not" "$b" '^\[trace\] pid [0-9]+ (pc (0|0x[0-9a-f]+)( in [a-z0-9_]+)?: |exits )' \
	"-eq $(grep -c '^\[trace\]' "$b")"
count "the shared mapping is made by mmap, and the line says so" "$b" \
	'^\[trace\] pid 1 pc 0x[0-9a-f]+ in mmap: new shmem VMA 0x[0-9a-f]+-0x[0-9a-f]+ \(4K\)$' "-eq 1"
count "the child's copy-on-write names the parent it shared the page with" "$b" \
	'^\[trace\] pid 2 pc 0x[0-9a-f]+( in [a-z_]+)?: copy-on-write at 0x[0-9a-f]+: copied an anonymous page shared with pid 1 into a private page' "-ge 1"
count "the child's store to the shared page makes it writable and dirty" "$b" \
	'^\[trace\] pid 2 pc 0x[0-9a-f]+: write to shared page 0 of /dev/zero at 0x[0-9a-f]+: its PTE made writable and dirty' "-eq 1"
count "brief: the child's exit_group unmaps its VMAs in one line" "$b" \
	'^\[trace\] pid 2 pc 0x[0-9a-f]+ in exit_group: [0-9]+ VMAs removed within 0x' "-eq 1"
count "full: ...one line per VMA removed" "$f" \
	'^\[trace\] pid 2 pc 0x[0-9a-f]+ in exit_group: VMA 0x[0-9a-f]+-0x[0-9a-f]+ \([0-9]+[KMG]?\) removed$' "-ge 2"
count "full: every page table entry on a line" "$f" 'page table entry for 0x[0-9a-f]+ now maps frame' "-gt 100"
nb=$(grep -c '^\[trace\]' "$b")
nf=$(grep -c '^\[trace\]' "$f")
echo "trace lines: brief $nb, full $nf"
if [ $((nb * 2)) -le "$nf" ]; then ok "brief is at most half of full"; else bad "brief ($nb) is more than half of full ($nf)"; fi

j=$work/json.err
if python3 -c '
import json, sys
keys = {"pid", "pc", "syscall", "proc", "event", "text", "start", "end", "addr", "pgoff", "pfn",
        "count", "major", "detail", "vm_start", "vm_end", "file", "cached", "source", "peer", "list"}
n = 0
seen = set()
for line in open(sys.argv[1]):
    if not line.startswith("[trace] "):
        continue
    o = json.loads(line[len("[trace] "):])
    n += 1
    if o["event"] == "exit":
        assert set(o) == {"event", "text"} and o["text"].startswith("pid "), o
        seen.add("exit")
        continue
    assert set(o) == keys, sorted(set(o) ^ keys)
    assert o["proc"] == "pid %d" % o["pid"], o
    if o["event"] == "vma_create" and o["detail"] == "shmem":
        assert o["syscall"] == "mmap" and o["pid"] == 1 and o["end"] - o["start"] == 4096, o
        seen.add("mmap")
    if o["event"] == "cow" and o["pid"] == 2 and o["peer"] == "pid 1":
        assert o["source"] == "anonymous page", o
        seen.add("cow")
    if o["event"] == "shared_dirty":
        assert o["pid"] == 2 and o["syscall"] is None and o["pc"] > 0, o
        seen.add("dirty")
assert seen == {"exit", "mmap", "cow", "dirty"}, seen
full = sum(1 for l in open(sys.argv[2]) if l.startswith("[trace] "))
assert n == full, (n, full)
' "$j" "$f"; then
	ok "json: every line is an object with pid, pc, syscall and the event's fields, as many as full's"
else
	bad "json: every line is an object with pid, pc, syscall and the event's fields"
fi

if "$MMKIT" exec --trace=loud ./parent_child_anon >/dev/null 2>"$work/loud.err"; then
	bad "--trace=loud is refused"
else
	count "--trace=loud is refused, naming the styles" "$work/loud.err" \
		"unknown trace style 'loud' \(brief, full or json\)" "-eq 1"
fi

# Under memory pressure (malloc_heavy's heap in 8M of RAM, with swap) the
# trace is told from one thread -- reclaim runs in the allocating one when
# traced -- and so is the same every run.
for k in 1 2; do
	"$MMKIT" exec --trace --ram 8M --swap 64M ./malloc_heavy >"$work/mh$k.out" 2>"$work/mh$k.err" ||
		bad "malloc_heavy traced in 8M of RAM: run $k exits 0"
done
count "malloc_heavy in 8M of RAM: pages swapped out and freed, told in runs" "$work/mh1.err" \
	'^\[trace\] pid 1 pc 0x[0-9a-f]+: swap-out and reclaim: [0-9]+ frames written to swap' "-ge 2"
if cmp -s "$work/mh1.err" "$work/mh2.err" && cmp -s "$work/mh1.out" "$work/mh2.out"; then
	ok "malloc_heavy in 8M of RAM: the same trace twice"
else
	bad "malloc_heavy in 8M of RAM: the same trace twice"
fi

# ---- --html ------------------------------------------------------------------
"$MMKIT" exec --html "$work/pca.html" ./parent_child_anon >"$work/html.out" 2>"$work/html.err"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$work/plain.out" "$work/html.out" && [ ! -s "$work/html.err" ]; then
	ok "--html: the program runs as without it"
else
	bad "--html: the program runs as without it (exit $rc)"
fi
"$MMKIT" exec --html "$work/many.html" ./many_calls >/dev/null 2>&1 || bad "--html of many_calls"
if python3 -c '
import json, re, sys
def steps(path):
    s = open(path).read()
    m = re.search(r"<script type=\"application/json\" id=\"mmkit-data\">(.*?)</script>", s, re.S)
    d = json.loads(m.group(1))
    assert d["unit"] == "system call", d["unit"]
    return d["steps"]
st = steps(sys.argv[1])
# one step per system call: 1, 2, 3, ...; the first the execve
assert [s["line"] for s in st] == list(range(1, len(st) + 1)), [s["line"] for s in st]
assert st[0]["out"][0].startswith("system call 1: pid 1 execve("), st[0]["out"]
names = lambda s: sorted(p["name"] for p in s["procs"])
clone = [s for s in st if " clone(" in s["out"][0]]
assert len(clone) == 1 and names(clone[0]) == ["pid 1", "pid 2"], clone
shm = [s for s in st if " mmap(" in s["out"][0] and any("new shmem VMA" in t for t in s["trace"])]
assert len(shm) == 1, shm
child_exit = [s for s in st if s["out"][0].startswith("system call") and "pid 2 exit_group(" in s["out"][0]]
assert len(child_exit) == 1 and names(child_exit[0]) == ["pid 1"], child_exit
assert child_exit[0]["out"][0].endswith(": the process ended"), child_exit[0]["out"]
assert st[-1]["procs"] == [], st[-1]["procs"]
# many_calls: 3000 getppid calls and a few more, in at most 512 steps of
# 2^k calls each (the last may hold fewer), none lost from the text
st = steps(sys.argv[2])
lines = [s["line"] for s in st]
assert len(st) <= 512, len(st)
k = lines[0]
assert k > 1 and k & (k - 1) == 0, lines[:3]
assert all(b - a == k for a, b in zip(lines, lines[1:-1])), lines
calls = [o for s in st for o in s["out"] if o.startswith("system call ")]
assert sum(" getppid(" in o for o in calls) == 3000
assert [int(o.split()[2][:-1]) for o in calls] == list(range(1, lines[-1] + 1))
' "$work/pca.html" "$work/many.html"; then
	ok "--html: a step per system call, the processes alive at each; a long run in at most 512 steps of 2^k calls"
else
	bad "--html: steps per system call"
fi
# the debug build (ASan+UBSan, which `make check` builds): the trace and
# the view of a run whose end is a step of its own read nothing freed and
# leak nothing
DEBUG=$(dirname "$MMKIT")/../build-debug/mmkit
if [ -x "$DEBUG" ]; then
	for p in many_calls parent_child_anon; do
		if "$DEBUG" exec --trace=json --html "$work/dbg.html" "./$p" >"$work/dbg.out" 2>"$work/dbg.err" &&
			! grep -v '^\[trace\] ' "$work/dbg.err" | grep -q .; then
			ok "$p under ASan+UBSan: --trace=json --html runs clean"
		else
			bad "$p under ASan+UBSan: --trace=json --html runs clean"
			grep -v '^\[trace\] ' "$work/dbg.err" | head -5
		fi
	done
fi
"$MMKIT" exec --html "$work/no/such/x.html" ./parent_child_anon >/dev/null 2>"$work/nodir.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "cannot write the view $work/no/such/x.html" "$work/nodir.err"; then
	ok "--html into a directory that does not exist fails (status 1), saying so"
else
	bad "--html into a directory that does not exist: exit $rc"
fi
"$MMKIT" exec --policy all --html "$work/x.html" ./parent_child_anon >/dev/null 2>"$work/all.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "not with --policy all" "$work/all.err"; then
	ok "--html with --policy all is refused (status 2)"
else
	bad "--html with --policy all: exit $rc"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
