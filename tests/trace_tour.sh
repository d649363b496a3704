#!/bin/sh
# tests/trace_tour.sh - the tour's brief trace explains, and is short.
# Runs examples/tour.sh with the brief trace (--trace) and the full one
# (--trace=full) and checks, with expectations written by hand from the
# examples:
#   - a major fault, a readahead, a copy-on-write of the zero page and a
#     writeback each appear, explained in one line;
#   - the brief trace has at most half the lines of the full one, and at
#     most 142 (half of the 284 the tour's trace had when every event was
#     a line).
# Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
passed=0
failed=0
work=$(mktemp -d /tmp/mmkit-trace-tour.XXXXXX)
trap 'rm -rf "$work"' EXIT

ok() { echo "ok $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
has() { # NAME PATTERN: the brief tour has a trace line matching PATTERN
	if grep -q -- "^  | $2" "$work/brief"; then ok "$1"; else bad "$1: no line '$2'"; fi
}

sh examples/tour.sh >"$work/brief" 2>&1 || bad "the tour runs (brief)"
MMKIT_TRACE=--trace=full sh examples/tour.sh >"$work/full" 2>&1 || bad "the tour runs (full)"

# fault_phases.mm line 18: `load a+8K 4` on the cold 64K file mapped at 0x100000000.
has "a major fault says which VMA and file page, and that it was read from disk" \
	'page fault: read at 0x100002000 in VMA 0x100000000-0x100010000 (64K) (major): page 2 of big not in the page cache, read from disk$'
has "readahead gives its window as a range" \
	'readahead: the window is pages 0-15 of big; '
has "...and the pages it read in one line" \
	'read pages 0-15 of big from disk into the page cache$'
# mremap_mprotect_msync.mm: `load a 1` then `store a "keep me"` on fresh anonymous memory.
has "a copy-on-write names the zero page as its source" \
	'copy-on-write at 0x[0-9a-f]*: copied the shared zero page into a private page (frame [0-9]*)$'
# mremap_mprotect_msync.mm: `msync s 4K sync` after a store to the shared mapping of log.
has "writeback says it wrote, write-protected and cleaned" \
	'writeback: dirty page 0 of log written to disk (its mappings write-protected, the page now clean)$'
# ipc_shared_file.mm: Reader's store to the page it mapped by a read fault.
has "a write to a shared page makes it writable and dirty" \
	'write to shared page 0 of mailbox at 0x7ffff7ffe000: its PTE made writable and dirty, the page marked dirty'
has "a page-cache hit names its frame" \
	'page fault: read at 0x[0-9a-f]* in VMA .* (minor): page 0 of mailbox found in the page cache (frame [0-9]*)$'

nb=$(grep -c '^  | ' "$work/brief")
nf=$(grep -c '^  | ' "$work/full")
echo "trace lines: brief $nb, full $nf"
if [ "$nf" -gt 0 ] && [ $((nb * 2)) -le "$nf" ]; then ok "brief is at most half of full"; else bad "brief ($nb) is more than half of full ($nf)"; fi
if [ "$nb" -le 142 ]; then ok "brief is at most 142 lines"; else bad "brief has $nb lines (> 142)"; fi
# Full keeps every event: fault_phases' readahead reads page 15 on a line of its own.
if grep -q '^  | read page 15 of big from disk' "$work/full"; then ok "full keeps every event"; else bad "full keeps every event"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
