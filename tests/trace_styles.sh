#!/bin/sh
# tests/trace_styles.sh - mmkit run's three trace styles on one script:
# --trace (brief) tells a run of the same work in one line, --trace=full
# keeps every event, --trace=json gives each event as one valid JSON
# object with the documented fields (docs/SCRIPTS.md, "Tracing").  The
# expectations are written by hand from the script below.
# Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
passed=0
failed=0
work=$(mktemp -d /tmp/mmkit-trace-styles.XXXXXX)
trap 'rm -rf "$work"' EXIT

ok() { echo "ok $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
has() { # NAME FILE PATTERN
	if grep -q -- "$3" "$2"; then ok "$1"; else bad "$1: no line '$3'"; fi
}
count() { # NAME FILE PATTERN N: exactly N lines match
	n=$(grep -c -- "$3" "$2")
	if [ "$n" -eq "$4" ]; then ok "$1"; else bad "$1: $n lines match '$3', not $4"; fi
}

cat >"$work/s.mm" <<'MM'
file f size=32K fill='x'
spawn P
P: fd = open f rdonly
P: fadvise fd 0 0 dontneed
P: a = mmap 0x200000000 32K read shared fd 0
P: load a 1
fork P Q
Q: load a+4K 1
MM
for style in brief full json; do
	mkdir -p "$work/$style"
	build/mmkit run --trace=$style --dir "$work/$style" "$work/s.mm" >"$work/$style.out" ||
		bad "--trace=$style runs"
done

b=$work/brief.out
count "brief: the file's 8 pages written back in one line" "$b" \
	'^  | writeback: dirty pages 0-7 of f written to disk' 1
count "brief: evicted in one line" "$b" '^  | evicted pages 0-7 of f from the page cache (8 frames freed)$' 1
count "brief: read from disk in one line" "$b" '^  | read pages 0-7 of f from disk into the page cache$' 1
# fork copies no PTEs of a shared file mapping (Linux's vma_needs_copy), so
# Q's load faults again and fault-around maps the 8 cached pages again.
count "brief: fault-around and its 8 PTEs in one line, for P's fault and for Q's" "$b" \
	'^  | fault-around: mapped 8 page(s) already in the page cache around 0x20000[01]000 in one go: 8 page table entries set, for 0x200000000-0x200008000 ' 2
has "brief: each process's teardown in one line" "$b" \
	'^  | \[Q\] VMA 0x200000000-0x200008000 (32K) removed (page table entries cleared, TLB flushed)$'
count "brief: no per-page read line" "$b" '^  | read page ' 0

f=$work/full.out
count "full: one line per page read" "$f" '^  | read page [0-7] of f from disk into the page cache$' 8
count "full: one line per PTE" "$f" '^  | page table entry for 0x20000[0-7]000 now maps frame' 16

j=$work/json.out
nf=$(grep -c '^  | ' "$f")
count "json: one object per event, as many as full's lines" "$j" '^  | {' "$nf"
grep '^  | ' "$j" | sed 's/^  | //' >"$work/json.lines"
if python3 -c '
import json, sys
want = {"proc", "event", "text", "start", "end", "addr", "pgoff", "pfn", "count", "major",
        "detail", "vm_start", "vm_end", "file", "cached", "source", "peer", "list"}
kinds = set()
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert set(o) == want, sorted(set(o) ^ want)
    kinds.add(o["event"])
    if o["event"] == "fault" and o["addr"] == 0x200000000:
        assert o["file"] == "f" and o["pgoff"] == 0 and o["cached"] == 0 and o["major"] == 1, o
        assert o["vm_start"] == 0x200000000 and o["vm_end"] == 0x200008000, o
    if o["event"] == "readahead":
        assert (o["start"], o["end"], o["detail"]) == (0, 8, "f"), o
    if o["event"] == "vma_remove" and o["proc"] == "Q":
        kinds.add("Q named")
assert {"fault", "readahead", "page_read", "pte_set", "writeback", "Q named"} <= kinds, kinds
' "$work/json.lines"; then ok "json: every line parses, with the documented fields and values"; else bad "json: lines parse with the documented fields"; fi

# Memory pressure: 4 MiB of RAM.  Eater's 3 MiB push Hog's cached file out
# (clean file pages, chosen by the default policy, lru); then Hog alone
# touches 8 MiB of anonymous memory with nowhere to swap: the OOM killer
# must kill it, and the trace names it by its script name.
cat >"$work/pressure.mm" <<'MM'
file big size=2M fill='b'
spawn Hog
Hog: fd = open big rdonly
Hog: m = mmap 0 2M read shared fd 0
Hog: load m+1M 1
spawn Eater
Eater: a = mmap 0 3M read|write private|anonymous
Eater: fill a 3M 'x'
MM
mkdir -p "$work/pressure"
build/mmkit run --trace --ram 4M --dir "$work/pressure" "$work/pressure.mm" >"$work/pressure.out" ||
	bad "the pressure script runs"
has "reclaim names the file pages, their kind and the list that chose them" "$work/pressure.out" \
	'^  | reclaim: freed [0-9]* frames (pages [0-9]*-[0-9]* of big, file pages), taken from the tail of the inactive file list (lru)$'
has "brief: a touch of fresh memory is told in runs of faults" "$work/pressure.out" \
	'^  | [0-9]* page faults (write, minor) in VMA 0x[0-9a-f]*-0x[0-9a-f]* (3M), from 0x[0-9a-f]* to 0x[0-9a-f]*: each allocated a zero-filled page and mapped it'
# Eater's fill faults on each of its 768 pages: three events a page
# (fault, zero-filled page, PTE) in the full trace; the brief one tells the
# whole run in well under a hundred lines.
mkdir -p "$work/pressure-full"
build/mmkit run --trace=full --ram 4M --dir "$work/pressure-full" "$work/pressure.mm" >"$work/pressure-full.out"
nb=$(grep -c '^  | ' "$work/pressure.out")
nf=$(grep -c '^  | ' "$work/pressure-full.out")
echo "pressure trace lines: brief $nb, full $nf"
if [ "$nf" -ge 2304 ] && [ "$nb" -lt 100 ]; then ok "brief tells 2304+ events in < 100 lines"; else bad "brief $nb lines, full $nf"; fi
# The victims' mappers: Hog maps all of a 1 MiB file (256 pages) at the
# address its mmap prints, and Eater's 3 MiB push them out, oldest first:
# pages 0-31 at Hog's first 32 pages.
cat >"$work/mapped.mm" <<'MM'
file big size=1M fill='b'
spawn Hog
Hog: fd = open big rdonly
Hog: m = mmap 0 1M read shared fd 0
Hog: load m 1M
spawn Eater
Eater: a = mmap 0 3M read|write private|anonymous
Eater: fill a 3M 'x'
MM
mkdir -p "$work/mapped"
build/mmkit run --trace --ram 4M --dir "$work/mapped" "$work/mapped.mm" >"$work/mapped.out"
m=$(sed -n 's/^4 Hog: m = mmap .* -> 0x\([0-9a-f]*\)$/\1/p' "$work/mapped.out")
m32=$(printf '%x' $((0x$m + 32 * 4096)))
has "reclaim of mapped file pages names the process and the addresses" "$work/mapped.out" \
	"^  | reclaim: freed 32 frames (pages 0-31 of big, file pages, mapped by Hog at 0x$m-0x$m32), taken from the tail of the inactive file list (lru)\$"
# Anonymous victims with swap: Hog's first page (frame 1, the oldest) goes
# first; the full trace tells each page in two lines (swap-out, reclaim),
# the brief one a run of them in one.
cat >"$work/swap.mm" <<'MM'
spawn Hog
Hog: a = mmap 0 2M read|write private|anonymous
Hog: fill a 2M 1
spawn Eater
Eater: b = mmap 0 3M read|write private|anonymous
Eater: fill b 3M 2
MM
for pol in lru clock; do
	mkdir -p "$work/swap-$pol"
	build/mmkit run --trace=full --ram 4M --swap 16M --policy $pol --dir "$work/swap-$pol" \
		"$work/swap.mm" >"$work/swap-$pol.out"
done
mkdir -p "$work/swap-brief"
build/mmkit run --trace --ram 4M --swap 16M --dir "$work/swap-brief" "$work/swap.mm" \
	>"$work/swap-brief.out"
a=$(sed -n 's/^2 Hog: a = mmap .* -> 0x\([0-9a-f]*\)$/\1/p' "$work/swap-lru.out")
has "reclaim of an anonymous page names its process, address and list" "$work/swap-lru.out" \
	"^  | reclaim: freed frame 1 (an anon page, mapped by Hog at 0x$a), taken from the tail of the inactive anon list (lru)\$"
has "under another policy, reclaim names the policy" "$work/swap-clock.out" \
	"^  | reclaim: freed frame 1 (an anon page, mapped by Hog at 0x$a), the clock policy's choice\$"
has "brief: pages swapped out and freed, told as one run from Hog's first page" "$work/swap-brief.out" \
	"^  | swap-out and reclaim: [0-9]* frames written to swap (slots 1\\.\\.[0-9]*) and freed (anon pages, mapped by Hog at 0x$a-0x[0-9a-f]*), taken from the tail of the inactive anon list (lru)\$"
nb=$(grep -c '^  | ' "$work/swap-brief.out")
nf=$(grep -c '^  | ' "$work/swap-lru.out")
echo "swap trace lines: brief $nb, full $nf"
if [ "$nf" -ge 2000 ] && [ "$nb" -lt 100 ]; then ok "brief tells 2000+ events under swap in < 100 lines"; else bad "swap: brief $nb lines, full $nf"; fi

# Copy-on-write names its source: after the fork, Q's store copies the
# anonymous page it shares with P; P's store to its private file mapping
# copies page 1 of f; its store to z copies the zero page its load mapped.
# R's store to P's private copy of page 1 copies an anonymous page shared
# with P too, and its fault does not claim the page cache had the page.
cat >"$work/cow.mm" <<'MM'
file f size=8K fill='y'
spawn P
P: a = mmap 0 8K read|write private|anonymous
P: store a "hello"
P: z = mmap 0 4K read|write private|anonymous
P: load z 1
fork P Q
Q: store a "child"
P: fd = open f rdonly
P: m = mmap 0 8K read|write private fd 0
P: load m+4K 1
P: store m+4K "w"
P: store z "w"
fork P R
R: store m+4K "r"
MM
mkdir -p "$work/cow"
build/mmkit run --trace --dir "$work/cow" "$work/cow.mm" >"$work/cow.out"
count "copy-on-write of an anonymous page names the process it is shared with" "$work/cow.out" \
	'^  | copy-on-write at 0x[0-9a-f]*: copied an anonymous page shared with P into a private page (frame [0-9]*)$' 2
count "only the write to the file page itself is a page-cache hit" "$work/cow.out" \
	'^  | page fault: write at .*: page 1 of f found in the page cache' 1
count "copy-on-write of a file page names the file and page" "$work/cow.out" \
	'^  | copy-on-write at 0x[0-9a-f]*: copied page 1 of f into a private page (frame [0-9]*)$' 1
count "copy-on-write of the zero page says so" "$work/cow.out" \
	'^  | copy-on-write at 0x[0-9a-f]*: copied the shared zero page into a private page (frame [0-9]*)$' 1
mkdir -p "$work/cow-json"
build/mmkit run --trace=json --dir "$work/cow-json" "$work/cow.mm" | grep '"event":"cow"' >"$work/cow.json"
count "json: the anonymous copies' peer is P" "$work/cow.json" '"source":"anonymous page","peer":"P"' 2

cat >"$work/oom.mm" <<'MM'
spawn Hog
Hog: a = mmap 0 8M read|write private|anonymous
Hog: fill a 8M 1
MM
mkdir -p "$work/oom"
build/mmkit run --trace --ram 4M --overcommit 1 --dir "$work/oom" "$work/oom.mm" >"$work/oom.out"
has "the OOM victim is named by its script name" "$work/oom.out" \
	'^  | \[Hog\] out of memory: the OOM killer chose this process (badness [0-9]* pages, the highest) and killed it: anon-rss:'

if build/mmkit run --trace=loud "$work/s.mm" >/dev/null 2>"$work/err"; then
	bad "--trace=loud is refused"
else
	has "--trace=loud is refused, naming the styles" "$work/err" "unknown trace style 'loud' (brief, full or json)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
