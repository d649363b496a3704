#!/bin/sh
# bench-compare.sh - is revision B slower than revision A?  mmkit's side of
# `mmkit bench`, the two builds measured in one run on one machine.
#
#   scripts/bench-compare.sh [-r ROUNDS] [-n REPS] [-o ROWS] [-k] REV_A REV_B
#
# Builds each revision's release `mmkit` (make MODE=release build/mmkit,
# under nice -n 19) in a temporary git worktree under ${TMPDIR:-/tmp}, then
# runs every row (or the -o list, comma-separated) ROUNDS times for each
# build, interleaved: for each round and each row, A then B or B then A
# (the order alternates), each a `mmkit bench --side mmkit --only ROW
# --reps REPS` of its own.  So load from elsewhere on the machine, which
# changes over minutes, falls on both builds alike.  Each invocation gives
# one figure per row (the median of its REPS repetitions after a warm-up);
# the report takes, per build and row, the median and the median absolute
# deviation (MAD) of its ROUNDS figures, and calls a row
#   slower  when B's median exceeds A's by more than MAD(A) + MAD(B),
#   faster  when A's median exceeds B's by more than that,
#   same    otherwise.
# The Linux side is not run: it is the same kernel for both builds.
# Defaults: 7 rounds, 5 repetitions, every row and the metadata ('meta').
# -k keeps the worktrees and the raw figures (their paths are printed).
# Exit status: 0 when no row is slower, 1 when one is, 2 on a usage or
# build error.  Needs git, make, a C compiler and python3.
set -eu

rounds=7
reps=5
only=""
keep=0
usage() {
	echo "usage: scripts/bench-compare.sh [-r ROUNDS] [-n REPS] [-o ROWS] [-k] REV_A REV_B" >&2
	exit 2
}
while getopts r:n:o:k opt; do
	case $opt in
	r) rounds=$OPTARG ;;
	n) reps=$OPTARG ;;
	o) only=$OPTARG ;;
	k) keep=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
case "$rounds$reps" in *[!0-9]*) usage ;; esac
[ "$rounds" -ge 1 ] && [ "$reps" -ge 1 ] || usage

repo=$(git rev-parse --show-toplevel)
rev_a=$(git -C "$repo" rev-parse --verify "$1^{commit}") || usage
rev_b=$(git -C "$repo" rev-parse --verify "$2^{commit}") || usage
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")

cleanup() {
	if [ "$keep" = 1 ]; then
		echo "kept: $work" >&2
		return
	fi
	for side in a b; do
		[ -d "$work/$side" ] && git -C "$repo" worktree remove --force "$work/$side"
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Builds revision $2 into worktree $work/$1; its command is $work/$1/build/mmkit.
build() {
	git -C "$repo" worktree add --detach --quiet "$work/$1" "$2"
	echo "building $1 = $(git -C "$repo" log -1 --format='%h %s' "$2" | cut -c1-70)" >&2
	nice -n 19 make -C "$work/$1" -s -j2 MODE=release build/mmkit >"$work/$1.log" 2>&1 || {
		cat "$work/$1.log" >&2
		echo "bench-compare: build of $1 failed" >&2
		exit 2
	}
}
build a "$rev_a"
build b "$rev_b"

# The rows both builds know, in B's order (or the -o list): the names in
# the JSON of a --short run of B, each kept if A knows it too.
names() {
	python3 -c 'import json, sys; print(" ".join(r["name"] for r in json.load(open(sys.argv[1]))))' "$1"
}
if [ -z "$only" ]; then
	nice -n 19 "$work/b/build/mmkit" bench --short --side mmkit --dir "$work" \
		--json "$work/names.json" >/dev/null 2>&1 || true
	[ -s "$work/names.json" ] || { echo "bench-compare: $2's bench --short failed" >&2; exit 2; }
	only=$(names "$work/names.json")
else
	only=$(echo "$only" | tr ',' ' ')
fi
rows=""
for row in $only; do
	[ "$row" = bytes_per_vma ] && row=meta
	case "$row" in bytes_per_page_*) continue ;; esac
	if "$work/a/build/mmkit" bench --short --side mmkit --reps 1 --only "$row" \
		--dir "$work" >/dev/null 2>&1; then
		rows="$rows $row"
	else
		echo "bench-compare: row $row is not in $1 (or fails there); skipped" >&2
	fi
done
[ -n "$rows" ] || { echo "bench-compare: no row to run" >&2; exit 2; }

# One invocation: build $1, row $2, round $3; appends "build row ns" lines
# (one per row, or one per metadata figure for 'meta') to $work/raw.
run_one() {
	json="$work/$1-$2-$3.json"
	if ! nice -n 19 "$work/$1/build/mmkit" bench --side mmkit --reps "$reps" --only "$2" \
		--dir "$work" --json "$json" >"$work/$1-$2-$3.out" 2>&1; then
		echo "bench-compare: build $1 failed row $2 (round $3):" >&2
		cat "$work/$1-$2-$3.out" >&2
		return
	fi
	python3 - "$json" "$1" >>"$work/raw" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1])):
    v = r["mmkit_ns"] if r.get("mmkit_ns") is not None else r.get("bytes")
    if v is not None:
        print(sys.argv[2], r["name"], v)
EOF
}

: >"$work/raw"
echo "$rounds rounds of$rows" >&2
round=1
while [ "$round" -le "$rounds" ]; do
	for row in $rows; do
		if [ $((round % 2)) = 1 ]; then
			run_one a "$row" "$round"
			run_one b "$row" "$round"
		else
			run_one b "$row" "$round"
			run_one a "$row" "$round"
		fi
	done
	echo "round $round of $rounds done" >&2
	round=$((round + 1))
done

echo "A = $(git -C "$repo" log -1 --format='%h %s' "$rev_a" | cut -c1-70)"
echo "B = $(git -C "$repo" log -1 --format='%h %s' "$rev_b" | cut -c1-70)"
echo "$rounds rounds, each a median of $reps repetitions; mmkit ns/op (metadata rows: bytes)"
python3 - "$work/raw" <<'EOF'
import sys
from statistics import median
vals = {}
order = []
for line in open(sys.argv[1]):
    side, name, v = line.split()
    if name not in order:
        order.append(name)
    vals.setdefault(name, {"a": [], "b": []})[side].append(float(v))
def mad(xs):
    m = median(xs)
    return median([abs(x - m) for x in xs])
def fmt(v):
    return "%.3g" % v if v < 100 else "%.0f" % v
print("%-20s %10s %10s %7s %21s %21s  %s" % ("row", "median A", "median B", "B/A",
      "A min-max (MAD)", "B min-max (MAD)", "verdict"))
slower = 0
for name in order:
    a, b = vals[name]["a"], vals[name]["b"]
    if not a or not b:
        print("%-20s %s" % (name, "not measured on both"))
        continue
    ma, mb = median(a), median(b)
    noise = mad(a) + mad(b)
    verdict = "slower" if mb - ma > noise else "faster" if ma - mb > noise else "same"
    slower += verdict == "slower"
    spread = lambda xs: "%s-%s (%s)" % (fmt(min(xs)), fmt(max(xs)), fmt(mad(xs)))
    print("%-20s %10s %10s %7.3f %21s %21s  %s" % (name, fmt(ma), fmt(mb),
          mb / ma if ma else float("nan"), spread(a), spread(b), verdict))
sys.exit(1 if slower else 0)
EOF
