#!/bin/sh
# tests/replay.sh - `mmkit replay` against textbook page replacement.
#
# Records the memory references of a real program (a small C program this
# test compiles, run under Debian's valgrind --tool=lackey), replays the
# trace with `mmkit replay --ram K` under fifo, opt and exact-lru, and
# compares mmkit's major faults with those of an independent reference
# implementation of FIFO, Belady's OPT and LRU written here in Python over
# the same page sequence: textbook faults = the trace's distinct pages (each
# costs mmkit a first-touch minor fault) + major faults.  Several frame
# counts, so Belady's anomaly and the policies' differences show.  Also
# checks the plain trace format and a '# map' header, and that bad input
# gets a clear error.  Then the example of a policy written in C against
# the library's interface (examples/policy_clock.c) against a textbook
# second-chance clock, and the tables of `mmkit run --policy all` and
# `mmkit exec --policy all`.  Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
MMKIT=${MMKIT:-build/mmkit}
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
if [ ! -x "$MMKIT" ] || ! command -v valgrind >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	echo "needs $MMKIT (make build/mmkit), valgrind and python3 (sh scripts/deps.sh)"
	echo "0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The program: walks 40 pages of a static array in a scrambled order,
# three times, so that a few frames see reuse at every distance.
cat >"$tmp/walk.c" <<'EOF'
static char a[40 * 4096];
int main(void)
{
	for (int r = 0; r < 3; r++)
		for (int i = 0; i < 40; i++)
			a[(i * 7 + r) % 40 * 4096] += (char)r;
	return a[0] & 0;
}
EOF
cc -O0 -o "$tmp/walk" "$tmp/walk.c" || { echo "cannot compile"; echo "0 passed, 1 failed"; exit 1; }
valgrind --tool=lackey --trace-mem=yes --log-file="$tmp/trace" "$tmp/walk" ||
	{ echo "valgrind failed"; echo "0 passed, 1 failed"; exit 1; }

# The reference: FIFO, LRU, OPT with k frames over the lackey trace's pages;
# prints "K POLICY MAJOR" lines, MAJOR being the faults less the first touches.
cat >"$tmp/ref.py" <<'EOF'
import sys
from collections import OrderedDict
path = sys.argv[1]
pages = []
for line in open(path):
    if line.startswith('=='):
        continue
    op, arg = line.split()
    addr, size = arg.split(',')
    addr, size = int(addr, 16), int(size)
    first, last = addr >> 12, (addr + max(size, 1) - 1) >> 12
    for p in range(first, last + 1):
        pages.append(p)
        if op == 'M':  # a load and a store
            pages.append(p)
def faults_of(policy, k):
    faults = 0
    if policy == 'fifo':
        resident, order = set(), []
        for p in pages:
            if p in resident:
                continue
            faults += 1
            if len(resident) == k:
                resident.discard(order.pop(0))
            resident.add(p)
            order.append(p)
    elif policy == 'lru':
        lru = OrderedDict()
        for p in pages:
            if p in lru:
                lru.move_to_end(p)
                continue
            faults += 1
            if len(lru) == k:
                lru.popitem(last=False)
            lru[p] = True
    else:  # opt: evict the page whose next use is farthest (never = infinity)
        nxt = [0] * len(pages)
        seen = {}
        for i in range(len(pages) - 1, -1, -1):
            nxt[i] = seen.get(pages[i], float('inf'))
            seen[pages[i]] = i
        resident = {}  # page -> its next use
        for i, p in enumerate(pages):
            if p not in resident:
                faults += 1
                if len(resident) == k:
                    victim = max(resident, key=lambda q: resident[q])
                    del resident[victim]
            resident[p] = nxt[i]
    return faults
for k in sys.argv[2:]:
    for pol in ('fifo', 'opt', 'lru'):
        print(k, pol, faults_of(pol, int(k)) - len(set(pages)))
EOF

python3 "$tmp/ref.py" "$tmp/trace" 4 8 13 32 >"$tmp/want" || bad "the reference failed"
while read -r k refpol want; do
	pol=$refpol
	[ "$pol" = lru ] && pol=exact-lru
	"$MMKIT" replay --ram $((k * 4))K --policy $pol "$tmp/trace" >"$tmp/out" 2>"$tmp/err" ||
		{ bad "replay --ram $((k * 4))K --policy $pol failed: $(cat "$tmp/err")"; continue; }
	got=$(awk -v p=$pol '$1 == p { print $3 }' "$tmp/out")
	if [ "$got" = "$want" ]; then
		ok
	else
		bad "$pol, $k frames: mmkit $got major faults, textbook $refpol $want"
		cat "$tmp/out"
	fi
done <"$tmp/want"

# A user's policy in C (examples/policy_clock.c, the second-chance clock
# through struct mmk_policy_ops) on the same page sequence, against a
# textbook clock: a ring with the hand on the oldest frame; a hit sets the
# frame's bit; a miss sweeps, clearing set bits, and replaces the first
# frame whose bit is clear, the new page's bit set, the hand moving past.
CLOCK=${CLOCK:-build/examples/policy_clock}
if [ -x "$CLOCK" ]; then
	cat >"$tmp/clock.py" <<'EOF'
import sys
pages = [int(l) for l in open(sys.argv[1])]
for k in map(int, sys.argv[2:]):
    ring, bit, hand, faults = [], {}, 0, 0
    for p in pages:
        if p in bit:
            bit[p] = 1
            continue
        faults += 1
        if len(ring) < k:
            ring.append(p)
            bit[p] = 1
            continue
        while bit[ring[hand]]:
            bit[ring[hand]] = 0
            hand = (hand + 1) % k
        del bit[ring[hand]]
        ring[hand] = p
        bit[p] = 1
        hand = (hand + 1) % k
    print(k, faults)
EOF
	# the lackey trace's pages, numbered densely in address order
	python3 - "$tmp/trace" >"$tmp/pages" <<'EOF'
import sys
seq = []
for line in open(sys.argv[1]):
    if line.startswith('=='):
        continue
    op, arg = line.split()
    addr, size = arg.split(',')
    addr, size = int(addr, 16), int(size)
    for p in range(addr >> 12, ((addr + max(size, 1) - 1) >> 12) + 1):
        seq.append(p)
rank = {p: i for i, p in enumerate(sorted(set(seq)))}
print('\n'.join(str(rank[p]) for p in seq))
EOF
	python3 "$tmp/clock.py" "$tmp/pages" 3 8 13 32 >"$tmp/want"
	while read -r k want; do
		got=$("$CLOCK" $k <"$tmp/pages" | awk '{ print $2 }')
		[ "$got" = "$want" ] && ok || bad "policy_clock, $k frames: $got faults, textbook clock $want"
	done <"$tmp/want"
else
	bad "$CLOCK is missing (make $CLOCK)"
fi

# The plain format with a header: Belady's anomaly, FIFO on 1 2 3 4 1 2 5 1 2 3 4 5.
{
	echo "# map 0x100000 0x8000 anon"
	for p in 1 2 3 4 1 2 5 1 2 3 4 5; do echo "w 0x10${p}000"; done
} >"$tmp/plain"
for kf in 3:9 4:10; do
	k=${kf%:*}
	want=$((${kf#*:} - 5)) # 9 and 10 faults, 5 pages
	got=$("$MMKIT" replay --ram $((k * 4))K --policy fifo "$tmp/plain" | awk '$1 == "fifo" { print $3 }')
	[ "$got" = "$want" ] && ok || bad "plain trace, fifo, $k frames: $got major faults, want $want"
done

# mmkit run --policy all: one row per policy, each run really under that
# policy (OPT, knowing the future, faults least on a looping scan).
cat >"$tmp/loop.mm" <<'EOF'
file data size=1M fill=0x5a
spawn P
P: fd = open data rdonly
P: a = mmap 0 1M read private fd 0
P: madvise a 1M random
P: touch a 1M read
P: touch a 1M read
EOF
if "$MMKIT" run --dir "$tmp" --ram 512K --policy all "$tmp/loop.mm" >"$tmp/out" 2>"$tmp/err"; then
	rows=$(awk 'NR > 1 { printf "%s ", $1 }' "$tmp/out")
	[ "$rows" = "lru clock fifo opt exact-lru " ] && ok || bad "--policy all rows: $rows"
	fifo=$(awk '$1 == "fifo" { print $3 }' "$tmp/out")
	opt=$(awk '$1 == "opt" { print $3 }' "$tmp/out")
	[ "$opt" -lt "$fifo" ] && [ "$fifo" -ge 256 ] && ok || { bad "--policy all: opt $opt fifo $fifo majors"; cat "$tmp/out"; }
else
	bad "--policy all failed: $(cat "$tmp/err")"
fi
"$MMKIT" run --policy all - </dev/null >/dev/null 2>&1
[ $? = 2 ] && ok || bad "--policy all on stdin accepted"

# mmkit exec --policy all: a riscv64 build of the same program, once per
# online policy, one row each, and its exit status.
if riscv64-linux-gnu-gcc -static -O1 -o "$tmp/walk.rv" "$tmp/walk.c"; then
	"$MMKIT" exec --root "$tmp" --ram 256K --swap 8M --policy all walk.rv >"$tmp/out" 2>"$tmp/err"
	st=$?
	rows=$(awk 'NR > 1 { printf "%s ", $1 }' "$tmp/out")
	majors=$(awk 'NR > 1 && $3 > 0 { n++ } END { print n + 0 }' "$tmp/out")
	[ $st = 0 ] && [ "$rows" = "lru clock fifo exact-lru " ] && [ "$majors" = 4 ] && ok ||
		{ bad "exec --policy all: status $st, rows '$rows', $majors under pressure: $(cat "$tmp/err")"; cat "$tmp/out"; }
else
	bad "riscv64-linux-gnu-gcc is missing (sh scripts/deps.sh)"
fi

# Bad input: a clear error and status 2, no crash.
printf 'I  zz,4\n' >"$tmp/junk"
"$MMKIT" replay "$tmp/junk" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "junk:1: not a lackey line" "$tmp/err" && ok || bad "junk trace: $(cat "$tmp/err")"
printf ' L 1000,99999999999\n' >"$tmp/junk"
"$MMKIT" replay "$tmp/junk" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && ok || bad "an access of 100 GB accepted: $(cat "$tmp/err")"
printf '# map 0x1000 0x1000 file x\n1\n' >"$tmp/junk"
"$MMKIT" replay "$tmp/junk" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && ok || bad "a file mapping in the header is refused: $(cat "$tmp/err")"
printf '# map 0x100000 0x1000 anon\n0x200000\n' >"$tmp/junk"
"$MMKIT" replay "$tmp/junk" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -q "outside the mappings" "$tmp/err" && ok || bad "outside the header's mappings: $(cat "$tmp/err")"
"$MMKIT" replay --policy nosuch "$tmp/plain" >/dev/null 2>&1
[ $? = 2 ] && ok || bad "unknown policy accepted"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
