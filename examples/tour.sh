#!/bin/sh
# The tour: runs every example with --trace, each in a fresh directory,
# so a reader can follow what the machinery does, statement by statement,
# and draws each run as a page to step through in a browser
# (build/tour/EXAMPLE.html, `mmkit run --html`); then a seed C program
# (examples/c, built for riscv64 by `make rv-progs`) run on `mmkit exec
# --trace`: the same machinery under a real program.
cd "$(dirname "$0")/.." || exit 2
mmkit=build/mmkit
mkdir -p build/tour || exit 1
for ex in read_through_mapping four_kinds ipc_shared_file parent_child_shared_anon \
	fork_exec mremap_mprotect_msync proc_maps fault_phases sigbus_truncate; do
	dir=$(mktemp -d /tmp/mmkit-tour.XXXXXX)
	echo "=================================================================="
	echo "== examples/$ex.mm"
	echo "=================================================================="
	sed -n '/^#/p;/^[^#]/q' "examples/$ex.mm"
	echo
	"$mmkit" run --trace --html "build/tour/$ex.html" --dir "$dir" "examples/$ex.mm" || exit 1
	rm -rf "$dir"
	echo
done
echo "Each run drawn, to step through in a browser: build/tour/*.html"
echo "(build/tour/four_kinds.html#step=10 opens the fork)."
rv=build/rv-progs
if [ -x "$rv/map_file" ]; then
	dir=$(mktemp -d /tmp/mmkit-tour.XXXXXX)
	cp "$rv/map_file" "$dir/"
	printf 'mapped, then printed byte by byte\n' >"$dir/note.txt"
	echo "=================================================================="
	echo "== examples/c/map_file.c on mmkit exec --trace (riscv64)"
	echo "=================================================================="
	sed -n '1,/\*\//p' examples/c/map_file.c
	echo
	"$mmkit" exec --trace --root "$dir" ./map_file note.txt 2>&1 | grep -v ': read page ' || exit 1
	rm -rf "$dir"
fi
