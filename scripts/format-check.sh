#!/bin/sh
# scripts/format-check.sh - fails if clang-format (Debian's, version 14:
# .clang-format's options are read as it reads them) would change a C file
# of the tree: src/, include/, tools/, tests/, examples/.  The files listed
# in PENDING below are not yet reformatted and are skipped; a file leaves
# the list when it is formatted, and none may join it.  Ends with
# "N passed, N failed" (tests/run.sh).
#
#   sh scripts/format-check.sh          check
#   sh scripts/format-check.sh FILE...  check only these
cd "$(dirname "$0")/.." || exit 2
CF=${CLANG_FORMAT:-}
if [ -z "$CF" ]; then
	for c in clang-format-14 clang-format; do
		command -v "$c" >/dev/null 2>&1 && CF=$c && break
	done
fi
if [ -z "$CF" ]; then
	echo "format-check: no clang-format (scripts/deps.sh installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi
case "$("$CF" --version)" in
*" 14."*) ;;
*) echo "format-check: $CF is not version 14: $("$CF" --version)" ;;
esac

PENDING="
include/mmkit.h
src/blockmap.c
src/bug.h
src/fault.c
src/file.c
src/frame.c
src/frame.h
src/fs.c
src/inode.c
src/invariants.c
src/lock.c
src/lock.h
src/lru.c
src/lru.h
src/madvise.c
src/memory.h
src/mm_types.h
src/mmap.c
src/mremap.c
src/oom.c
src/pages.h
src/pcache_index.c
src/pcache_index.h
src/pgtable.c
src/pgtable.h
src/procfs_pages.c
src/procfs_vmstat.c
src/reclaim.c
src/reclaim.h
src/refs.c
src/rmap.c
src/slab.h
src/swap.c
src/swap.h
src/system.c
src/tlb.h
src/vma.c
src/vma.h
src/vma_tree.c
src/vma_tree.h
src/vmstat.c
src/vmstat.h
src/writeback.c
tests/fuzz/fuzz_script.c
tests/unit/mmk_test.h
tests/unit/page_test.h
tests/unit/t.h
tests/unit/test_cow_fork.c
tests/unit/test_failinj.c
tests/unit/test_fault.c
tests/unit/test_frame.c
tests/unit/test_fs.c
tests/unit/test_lockdep.c
tests/unit/test_mmap.c
tests/unit/test_oom.c
tests/unit/test_pagecache.c
tests/unit/test_pcache_index.c
tests/unit/test_pgtable.c
tests/unit/test_pressure.c
tests/unit/test_reclaim.c
tests/unit/test_script.c
tests/unit/test_smaps.c
tests/unit/test_swap.c
tests/unit/test_threads.c
tests/unit/test_vma_ops.c
tests/unit/test_vma_tree.c
tools/linux/main.c
tools/linux/proto.h
tools/linux/server.h
tools/linux/setup.c
tools/linux/views.c
tools/mmkit/backend.h
tools/mmkit/backend_linux.c
tools/mmkit/backend_mmkit.c
tools/mmkit/bench.c
tools/mmkit/check.c
tools/mmkit/driver.c
tools/mmkit/driver.h
tools/mmkit/format.c
tools/mmkit/fuzz.c
tools/mmkit/main.c
tools/mmkit/repl.c
tools/mmkit/script.c
tools/mmkit/script.h
"

if [ $# -gt 0 ]; then
	files="$*"
else
	files=$(git ls-files 'src/*.[ch]' 'include/*.[ch]' 'tools/*.[ch]' 'tests/*.[ch]' 'examples/*.[ch]' 2>/dev/null)
	[ -n "$files" ] || files=$(find src include tools tests examples -name '*.[ch]' | sort)
fi
bad=0
checked=0
for f in $files; do
	case "$PENDING" in *"
$f
"*) continue ;; esac
	checked=$((checked + 1))
	if ! "$CF" --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "format-check: $f differs from clang-format (run: $CF -i $f)"
		bad=$((bad + 1))
	fi
done
echo "format-check: $checked files checked, $bad differ"
if [ $bad -eq 0 ]; then
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed"
fi
[ $bad -eq 0 ]
