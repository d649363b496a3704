#!/bin/sh
# tests/shadow_refused.sh - a program `mmkit shadow` cannot follow is
# stopped with a message naming what it did, exit status 3, and never a
# "0 differences" line (docs/SHADOW.md, "What shadow cannot follow"); and a
# difference, made by failing mmkit's allocations (--fail-after), stops the
# run with exit status 1, the call, both results and the history.
# Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
MMKIT=${MMKIT:-$top/build/mmkit}
case $MMKIT in /*) ;; *) MMKIT=$top/$MMKIT ;; esac
W=$(mktemp -d /tmp/mmkit-shadow-refused.XXXXXX) || exit 2
trap 'rm -rf "$W"' EXIT INT TERM
passed=0
failed=0
cc -O2 -o "$W/refused" tests/shadow/refused.c || exit 2
cp /bin/true "$W/true"

# refused NAME 'EXPECTED MESSAGE' PROG [ARGS...]
refused() {
	name=$1 want=$2
	shift 2
	(cd "$W" && "$MMKIT" shadow -- "$@" >"$W/out" 2>"$W/err")
	rc=$?
	if [ "$rc" -eq 3 ] && grep -q "^shadow: cannot follow the program.*$want" "$W/err" &&
		! grep -q "0 differences" "$W/err"; then
		passed=$((passed + 1))
		echo "ok   $name: $(grep '^shadow: cannot follow' "$W/err")"
	else
		failed=$((failed + 1))
		echo "FAIL $name (exit $rc, wanted 3 and \"$want\"):"
		sed 's/^/    /' "$W/err"
	fi
}

refused shmat 'shmat succeeded' "$W/refused" shm
refused devzero '/dev/zero with MAP_PRIVATE' "$W/refused" devzero
refused userfaultfd 'userfaultfd succeeded' "$W/refused" uffd
refused setrlimit 'setrlimit(RLIMIT_DATA)' "$W/refused" setrlimit
refused relative-exec 'exec of "./true": no path to' /bin/sh -c 'cd '"$W"' && ./true'
# A 32-bit program, where the host runs them (CONFIG_IA32_EMULATION).
printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000\002\000\003\000\001\000\000\000\124\200\004\010\064\000\000\000\000\000\000\000\000\000\000\000\064\000\040\000\001\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\200\004\010\000\200\004\010\135\000\000\000\135\000\000\000\005\000\000\000\000\020\000\000\270\001\000\000\000\061\333\315\200' >"$W/e32"
chmod +x "$W/e32"
if "$W/e32" 2>/dev/null; then
	refused 32-bit 'a 32-bit program' "$W/e32"
else
	echo "skip 32-bit: this host does not run 32-bit programs"
fi

# A program that never runs is no agreement.
(cd "$W" && "$MMKIT" shadow -- "$W/no-such-program" >"$W/out" 2>"$W/err")
rc=$?
if [ "$rc" -eq 3 ] && grep -q "^shadow: $W/no-such-program was never executed" "$W/err" &&
	! grep -q "0 differences" "$W/err"; then
	passed=$((passed + 1))
	echo "ok   never-executed: $(tail -n 1 "$W/err")"
else
	failed=$((failed + 1))
	echo "FAIL never-executed (exit $rc, wanted 3):"
	sed 's/^/    /' "$W/err"
fi

# A difference: every mmkit allocation from the program's exec on fails.
(cd "$W" && "$MMKIT" shadow --fail-after 0 -- /bin/true >"$W/out" 2>"$W/err")
rc=$?
if [ "$rc" -eq 1 ] &&
	grep -q '^shadow: DIFFERENCE in task [0-9]*: execve("/bin/true", \["/bin/true"\], .*) returned 0 on the host, -ENOMEM in mmkit$' "$W/err" &&
	grep -q '^  \[[0-9]*\] execve(.*= 0 / -ENOMEM$' "$W/err" &&
	tail -n 1 "$W/err" | grep -q '^shadow: 1 calls mirrored, 0 maps compared, 1 difference$'; then
	passed=$((passed + 1))
	echo "ok   difference: $(head -n 1 "$W/err")"
else
	failed=$((failed + 1))
	echo "FAIL difference (exit $rc, wanted 1, the call, both results, the history):"
	sed 's/^/    /' "$W/err"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
