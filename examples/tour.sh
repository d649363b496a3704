#!/bin/sh
# The tour: runs every example with --trace, each in a fresh directory,
# so a reader can follow what the machinery does, statement by statement.
cd "$(dirname "$0")/.." || exit 2
mmkit=build/mmkit
for ex in read_through_mapping four_kinds ipc_shared_file parent_child_shared_anon \
	fork_exec mremap_mprotect_msync proc_maps fault_phases sigbus_truncate; do
	dir=$(mktemp -d /tmp/mmkit-tour.XXXXXX)
	echo "=================================================================="
	echo "== examples/$ex.mm"
	echo "=================================================================="
	sed -n '/^#/p;/^[^#]/q' "examples/$ex.mm"
	echo
	"$mmkit" run --trace --dir "$dir" "examples/$ex.mm" || exit 1
	rm -rf "$dir"
	echo
done
