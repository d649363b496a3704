#!/bin/sh
# tests/callgraph.sh - scripts/callgraph.py fails on what it exists to find.
# In a copy of the tree: a call from a base-layer file (src/base/bug.c) up
# into src/page/proc.c must be reported as an upward call, and a call from
# src/mm/vma.c into src/mm/mmap.c (which calls vma.c: both are in the mm
# layer) as a circle outside the page-cache family; a file directly in src/,
# one in a folder that is no layer, and a name used in two layer folders
# must each be refused; the unchanged copy must pass.
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r src include scripts "$tmp"/
fail=0
if ! python3 scripts/callgraph.py --root "$tmp" >"$tmp/out0" 2>&1; then
	echo "FAIL: the unchanged tree does not pass"; cat "$tmp/out0"; fail=1
fi
cp src/base/bug.c "$tmp/bug.c.orig"
printf 'int proc_enter(void *p);\nint bug_up(void);\nint bug_up(void) { return proc_enter(0); }\n' >>"$tmp/src/base/bug.c"
python3 scripts/callgraph.py --root "$tmp" >"$tmp/out1" 2>&1
rc=$?
if [ $rc -ne 1 ] || ! grep -q "upward call bug -> proc: bug_up() calls proc_enter()" "$tmp/out1"; then
	echo "FAIL: an upward call was not reported (exit $rc)"; cat "$tmp/out1"; fail=1
fi
cp "$tmp/bug.c.orig" "$tmp/src/base/bug.c"
printf 'struct mm;\nvoid mm_destroy(struct mm *mm);\nvoid vma_up(void);\nvoid vma_up(void) { mm_destroy(0); }\n' >>"$tmp/src/mm/vma.c"
python3 scripts/callgraph.py --root "$tmp" >"$tmp/out2" 2>&1
rc=$?
if [ $rc -ne 1 ] || ! grep -q "circle of [0-9]* files: .*mmap.* vma" "$tmp/out2" || grep -q "upward call [a-z]" "$tmp/out2"; then
	echo "FAIL: a circle in the mm layer was not reported (exit $rc)"; cat "$tmp/out2"; fail=1
fi
rm -rf "$tmp/src" && cp -r src "$tmp"/
for stray in src/stray.c src/misc/stray.h src/sys/lock.c; do
	mkdir -p "$tmp/$(dirname "$stray")"
	echo 'int stray(void);' >"$tmp/$stray"
	python3 scripts/callgraph.py --root "$tmp" >"$tmp/out3" 2>&1
	rc=$?
	if [ $rc -ne 2 ] || ! grep -q "callgraph: $stray: " "$tmp/out3"; then
		echo "FAIL: $stray was not refused (exit $rc)"; cat "$tmp/out3"; fail=1
	fi
	rm -f "$tmp/$stray"
done
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
