#!/bin/sh
# scripts/policy_table.sh - compares the page replacement policies on the
# same reference strings (docs/RECLAIM.md, "Policies compared").  Generates
# three scripts over a 64 MiB file with 16 MiB of RAM --
#   seq      the file read front to back three times (a loop bigger than RAM)
#   random   16384 page reads at uniformly random offsets (fixed seed)
#   hotcold  16384 page reads, 80% inside a 12 MiB hot region (fixed seed)
# -- each once with readahead (the default: read-around, fault-around) and
# once under MADV_RANDOM (demand paging: one page per major fault), runs
# every one with `mmkit run --ram 16M --policy P` for P = lru, clock, fifo,
# opt, and prints a Markdown table of the process's fault counts (major /
# minor) and of the pages read from the file (vmstat pgpgin / 4).
#
#   sh scripts/policy_table.sh [MMKIT]      (default: build/mmkit)
set -e
cd "$(dirname "$0")/.."
MMKIT=${1:-build/mmkit}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
PAGES=16384 # 64 MiB

# header MODE: the statements before the accesses.
header() {
	echo "file data size=64M fill=0x5a"
	echo "spawn P"
	echo "P: fd = open data rdonly"
	echo "P: a = mmap 0 64M read private fd 0"
	[ "$1" = demand ] && echo "P: madvise a 64M random"
	return 0
}
footer() {
	echo "P: faults"
	echo "vmstat"
}
for mode in readahead demand; do
	{ header $mode; for i in 1 2 3; do echo "P: touch a 64M read"; done; footer; } \
		>"$work/seq-$mode.mm"
	{ header $mode
	  awk -v n=$PAGES 'BEGIN { srand(1); for (i = 0; i < n; i++)
		printf "P: touch a+%d 1 read\n", int(rand() * n) * 4096 }'
	  footer; } >"$work/random-$mode.mm"
	{ header $mode
	  awk -v n=$PAGES 'BEGIN { srand(2); hot = 3072; for (i = 0; i < n; i++) {
		p = rand() < 0.8 ? int(rand() * hot) : int(rand() * n)
		printf "P: touch a+%d 1 read\n", p * 4096 } }'
	  footer; } >"$work/hotcold-$mode.mm"
done

# run WORKLOAD MODE POLICY -> "major/minor pages_read"
run() {
	out=$(cd "$work" && "$OLDPWD/$MMKIT" run --dir "$work" --ram 16M --policy "$3" "$1-$2.mm")
	f=$(echo "$out" | sed -n 's/.*P: faults -> minor \([0-9]*\) major \([0-9]*\).*/\2 \1/p')
	kb=$(echo "$out" | sed -n 's/^ *pgpgin \([0-9]*\)$/\1/p')
	echo "$f $((kb / 4))"
}

for mode in demand readahead; do
	echo
	if [ $mode = demand ]; then
		echo "Demand paging (MADV_RANDOM: no readahead), 64 MiB file, 16 MiB RAM:"
	else
		echo "With readahead (the default), 64 MiB file, 16 MiB RAM:"
	fi
	echo
	echo "| policy | seq: major | seq: minor | seq: pages read | random: major | random: minor | random: pages read | hot/cold: major | hot/cold: minor | hot/cold: pages read |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for p in lru clock fifo opt; do
		line="| $p"
		for w in seq random hotcold; do
			set -- $(run $w $mode $p)
			line="$line | $1 | $2 | $3"
		done
		echo "$line |"
	done
done
