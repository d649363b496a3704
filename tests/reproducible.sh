#!/bin/sh
# tests/reproducible.sh - a run under memory pressure prints the same bytes
# every time, and, with --fs, whatever file system --dir is on
# (docs/RECLAIM.md, "Reproducible runs").  tests/reproducible.mm under
# --ram 16M --swap 64M --trace: five runs byte-identical; then the same
# script in a directory on tmpfs (/dev/shm) and one under build/ (the work
# tree's file system, ext4 here) identical with --fs ext4 -- and, when the
# two directories' file systems differ in what mmkit models, different
# without it, so the option is what makes them agree.  Ends with
# "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
passed=0
failed=0
mm=${MMKIT:-build/mmkit} # MMKIT: another binary (to see the test fail)
work=$(mktemp -d build/repro.XXXXXX) || exit 2
shm=
trap 'rm -rf "$work" $shm' EXIT

ok() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

run() { # DIR OUT [OPTIONS...]: runs the script in DIR (its files are remade)
	dir=$1 out=$2
	shift 2
	mkdir -p "$dir" &&
		$mm run --ram 16M --swap 64M --trace "$@" --dir "$dir" tests/reproducible.mm >"$out" 2>&1 ||
		fail "run $*: exit status $? (see $out)"
}

for i in 1 2 3 4 5; do
	run "$work/d" "$work/run$i"
done
same=1
for i in 2 3 4 5; do
	cmp -s "$work/run1" "$work/run$i" || same=0
done
# the script reclaims, swaps and writes back, or the test proves nothing
if grep -q 'pswpout [1-9]' "$work/run1" && grep -q 'pgsteal_direct [1-9]' "$work/run1" &&
	grep -q '^[0-9]* cat small.txt -> "HELLO"' "$work/run1"; then
	ok "the script swaps and reclaims, and no write is lost"
else
	fail "the script swaps and reclaims, and no write is lost"
fi
if [ $same = 1 ]; then
	ok "five runs under --ram 16M --swap 64M --trace are byte-identical"
else
	fail "five runs under --ram 16M --swap 64M --trace are byte-identical"
	for i in 2 3 4 5; do diff "$work/run1" "$work/run$i" | head -5; done
fi

if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	shm=$(mktemp -d /dev/shm/mmkit-repro.XXXXXX) || exit 2
	run "$shm/d" "$work/shm-fs" --fs ext4
	run "$work/d" "$work/disk-fs" --fs ext4
	if cmp -s "$work/shm-fs" "$work/disk-fs"; then
		ok "with --fs ext4, a --dir on $(stat -f -c %T "$shm") and on $(stat -f -c %T "$work") print the same"
	else
		fail "with --fs ext4, a --dir on /dev/shm and under build/ print the same"
		diff "$work/shm-fs" "$work/disk-fs" | head -5
	fi
	# Without --fs, ext4/xfs place the file 2 MiB aligned, tmpfs does not.
	t1=$(stat -f -c %T "$shm")
	t2=$(stat -f -c %T "$work")
	case "$t1/$t2" in
	tmpfs/ext2/ext3 | tmpfs/xfs)
		run "$shm/d" "$work/shm"
		run "$work/d" "$work/disk"
		if cmp -s "$work/shm" "$work/disk"; then
			fail "without --fs, $t1 and $t2 differ (else this test shows nothing)"
		else
			ok "without --fs, $t1 and $t2 differ"
		fi
		;;
	*) echo "skip: $t1 and $t2 model alike; nothing to tell apart without --fs" ;;
	esac
else
	echo "skip: no writable /dev/shm"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
