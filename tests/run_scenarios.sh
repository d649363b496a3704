#!/bin/sh
# tests/run_scenarios.sh - runs every scenario script (tests/scenarios/*.mm)
# and every example (examples/*.mm) on the host kernel and on mmkit with
# `mmkit check`, and passes its output through, ending with its
# "N passed, N failed" line.  Exits with check's status (1 on any
# difference).  B=build-debug runs the debug build instead of build/.
cd "$(dirname "$0")/.." || exit 2
B=${B:-build}
if [ ! -x "$B/mmkit" ] || [ ! -x "$B/mmkit-linux" ]; then
	echo "$B/mmkit or $B/mmkit-linux is missing: run make first"
	echo "0 passed, 1 failed"
	exit 1
fi
# The programs `program NAME` copies (tests/progs): without them the
# scenarios that exec one would agree on -ENOENT and test nothing.
if [ ! -x "$B/progs/static_bss" ] || [ ! -f "$B/progs/ld-linux-x86-64.so.2" ]; then
	echo "$B/progs is missing: run make progs (MODE=debug for build-debug) first"
	echo "0 passed, 1 failed"
	exit 1
fi
set -- tests/scenarios/*.mm
for ex in examples/*.mm; do
	[ -f "$ex" ] && set -- "$@" "$ex"
done
exec "$B/mmkit" check "$@"
