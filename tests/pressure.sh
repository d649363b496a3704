#!/bin/sh
# tests/pressure.sh - the acceptance workloads of memory pressure (issue 5)
# at full size, release build, each in its own host process under
# /usr/bin/time -v: every case must pass AND the host process's peak RSS
# (time's "Maximum resident set size") must stay under the simulated RAM
# (64 MiB) plus a fixed overhead of 24 MiB (binary and libc, the struct
# page array, page tables of the 4 GiB mapping, swap maps, the test's own
# buffers; docs/RECLAIM.md has the measured figures).  Ends with
# "N passed, N failed".
#
#   sh tests/pressure.sh [CASE...]     (default: every case)
cd "$(dirname "$0")/.." || exit 2
BIN=${BIN:-build/tests/test_pressure}
RAM_KB=$((64 * 1024))
OVERHEAD_KB=$((24 * 1024))
LIMIT_KB=$((RAM_KB + OVERHEAD_KB))
if [ ! -x "$BIN" ]; then
	echo "$BIN is missing: make build/tests/test_pressure"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -x /usr/bin/time ]; then
	echo "/usr/bin/time is missing: sh scripts/deps.sh installs it"
	echo "0 passed, 1 failed"
	exit 1
fi
[ $# -gt 0 ] || set -- file_scan anon_swap anon_no_swap dirty_shared
passed=0
failed=0
out=$(mktemp)
tv=$(mktemp)
for c in "$@"; do
	/usr/bin/time -v "$BIN" "$c" >"$out" 2>"$tv"
	rc=$?
	grep '^#' "$out"
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$tv")
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): *//p' "$tv")
	if [ "$rc" -ne 0 ] || ! grep -q "^ok $c" "$out"; then
		grep -v '^#' "$out"
		echo "FAIL $c: the test failed (status $rc)"
		failed=$((failed + 1))
	elif [ -z "$rss" ] || [ "$rss" -ge "$LIMIT_KB" ]; then
		echo "FAIL $c: peak RSS ${rss:-?} kB, limit $LIMIT_KB kB (64 MiB RAM + 24 MiB)"
		failed=$((failed + 1))
	else
		echo "ok $c: peak RSS $rss kB (limit $LIMIT_KB kB = 64 MiB RAM + 24 MiB), $wall"
		passed=$((passed + 1))
	fi
done
rm -f "$out" "$tv"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
