#!/bin/sh
# tests/fuzz_guided_same.sh - `mmkit fuzz --guided` is deterministic for a
# seed: three runs of 200 scripts on mmkit alone keep the same corpus and
# reach the same edges, whatever inode numbers the host gives each run's
# files and wherever host buffers lie (docs/CHECK.md, "Reproducible").
# Needs the coverage build (make MODE=cov).
cd "$(dirname "$0")/.." || exit 2
MMKIT=build-cov/mmkit
[ -x "$MMKIT" ] || { echo "no $MMKIT (make MODE=cov)"; exit 2; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
pass=0 fail=0
for i in 1 2 3; do
	"$MMKIT" fuzz --guided --mmkit-only --seed 7 --count 200 --out "$W/out" \
		--corpus "$W/corpus$i" >"$W/log$i" 2>&1 || { cat "$W/log$i"; exit 1; }
	ls "$W/corpus$i" | sort >"$W/list$i"
	grep '^edges of src/' "$W/log$i" >>"$W/list$i"
done
for i in 2 3; do
	if cmp -s "$W/list1" "$W/list$i"; then
		echo "ok run $i keeps the corpus of run 1 ($(grep -c . "$W/list1") lines)"
		pass=$((pass + 1))
	else
		echo "FAIL run $i differs from run 1:"
		diff "$W/list1" "$W/list$i" | head -n 10
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
