#!/bin/sh
# tests/examples_cold.sh - the examples that promise "nothing is read until
# the first access" keep the promise: their file is made cold (fadvise
# dontneed) before it is mapped, so with --trace the first access is a
# major fault that reads the page from disk -- and, in fault_phases.mm,
# reads the rest of the 16-page file ahead in the same fault.  The
# expectations are written from the scripts, by hand.  Ends with
# "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
passed=0
failed=0
work=$(mktemp -d /tmp/mmkit-cold.XXXXXX)
trap 'rm -rf "$work"' EXIT

check() { # NAME FILE PATTERN: FILE has a line matching PATTERN
	if grep -q -- "$3" "$2"; then
		echo "ok $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1: no line matching '$3'"
		failed=$((failed + 1))
	fi
}

for ex in read_through_mapping fault_phases; do
	mkdir -p "$work/$ex"
	build/mmkit run --trace --dir "$work/$ex" "examples/$ex.mm" >"$work/$ex.out" || failed=$((failed + 1))
	# The statement of the first access, and the trace lines under it.
	awk '/^[0-9]+ P: load /{n++} n == 1 && !/^[0-9]+ P: load / && /^[0-9]/{exit} n == 1' \
		"$work/$ex.out" >"$work/$ex.first"
done
f=$work/read_through_mapping
check "read_through_mapping: mincore before the access says not cached" "$f.out" 'P: mincore a 4K .*-> 0$'
check "read_through_mapping: the first access is a major fault" "$f.first" '| page fault: read at 0x[0-9a-f]* (major'
check "read_through_mapping: ...which reads the page from disk" "$f.first" '| read page 0 of story.txt from disk'
check "read_through_mapping: faults counts it" "$f.out" 'P: faults -> minor 0 major 1'
f=$work/fault_phases
check "fault_phases: mincore before the access says not cached" "$f.out" 'P: mincore a 64K .*-> 0000000000000000$'
check "fault_phases: the first access is a major fault" "$f.first" '| page fault: read at 0x100002000 (major'
check "fault_phases: ...which reads its page from disk" "$f.first" '| read page 2 of big from disk'
check "fault_phases: ...and reads ahead to the end of the file" "$f.first" '| read page 15 of big from disk'
check "fault_phases: one major fault" "$f.out" 'P: faults .*-> minor 0 major 1'
check "fault_phases: readahead cached the whole file" "$f.out" 'P: mincore a 64K .*-> 1111111111111111$'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
