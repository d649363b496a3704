#!/bin/sh
# tests/bench_args.sh - `mmkit bench` option handling: bad values are usage
# errors (status 2, a message, no run); --cpu pins both sides and says so;
# --cpu any does not pin.  Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
M=build/mmkit
passed=0
failed=0
out=$(mktemp)

check() { # name, expected status, grep pattern (empty: none), command...
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL $name: status $rc, want $want"; cat "$out"; failed=$((failed + 1)); return
	fi
	if [ -n "$pat" ] && ! grep -qE -- "$pat" "$out"; then
		echo "FAIL $name: no /$pat/ in"; cat "$out"; failed=$((failed + 1)); return
	fi
	echo "ok $name"; passed=$((passed + 1))
}

check "--cpu takes a number" 2 "--cpu takes a CPU number" $M bench --cpu x
check "--cpu rejects a trailing junk" 2 "--cpu takes a CPU number" $M bench --cpu 0x
check "--cpu rejects a number past CPU_SETSIZE" 2 "--cpu takes a CPU number" $M bench --cpu 99999
n=$(getconf _NPROCESSORS_CONF)
check "--cpu of a CPU this machine lacks" 2 "cannot run on CPU $((n + 5))" $M bench --cpu $((n + 5))
check "the default pins both sides" 0 "both sides pinned to CPU [0-9]+" $M bench --short --only brk
check "--cpu 0 pins to CPU 0" 0 "both sides pinned to CPU 0 " $M bench --short --only brk --cpu 0
check "--cpu any does not pin" 0 "" $M bench --short --only brk --cpu any
if grep -q "pinned" "$out"; then
	echo "FAIL --cpu any printed a pinned CPU"; failed=$((failed + 1))
fi
# SIGINT in the middle of a run: the scratch files (hundreds of MiB) go,
# and vm.max_map_count, which the 1,000,000-VMA rows raise where they may,
# is as it was.
tmp=$(mktemp -d)
before=$(cat /proc/sys/vm/max_map_count)
$M bench --only mprotect_1m,munmap_mmap_1m --dir "$tmp" >"$out" 2>&1 &
pid=$!
i=0
while [ $i -lt 300 ] && ! grep -q "VMA rows" "$out"; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5
kill -INT $pid
wait $pid
left=$(find "$tmp" -mindepth 1 | wc -l)
after=$(cat /proc/sys/vm/max_map_count)
if [ "$i" -lt 300 ] && [ "$left" -eq 0 ] && [ "$after" = "$before" ]; then
	echo "ok SIGINT leaves no scratch files and vm.max_map_count as it was"
	passed=$((passed + 1))
else
	echo "FAIL SIGINT: waited $i, $left files left in $tmp, max_map_count $before -> $after"
	cat "$out"
	failed=$((failed + 1))
fi
rm -rf "$tmp"
rm -f "$out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
