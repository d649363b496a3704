#!/bin/sh
# tests/script_limits.sh - what a script says cannot make the tool use more
# host memory than its documented caps (docs/SCRIPTS.md, "Limits").  Each
# case runs build/mmkit (release) on a small script under /usr/bin/time -v
# with --ram 64M and checks its output AND its peak RSS (time's "Maximum
# resident set size") against a fixed limit.  Ends with "N passed, N failed".
#
#   sh tests/script_limits.sh [CASE...]     (default: every case)
#
# The limits: 64 MiB of simulated RAM + 64 MiB of overhead (binary, libc,
# the page array, one 16 MiB output buffer and its text), and for the
# parse cases what the strings may hold (256 MiB) + 64 MiB.  Without the
# caps the same scripts take 330 MB (file), 2 GB and more (load, stores).
cd "$(dirname "$0")/.." || exit 2
BIN=${BIN:-build/mmkit}
RUN_LIMIT_KB=$((128 * 1024))
PARSE_LIMIT_KB=$((320 * 1024))
if [ ! -x "$BIN" ] || [ ! -x /usr/bin/time ]; then
	echo "needs $BIN (make build/mmkit) and /usr/bin/time"
	echo "0 passed, 1 failed"
	exit 1
fi
[ $# -gt 0 ] || set -- file_streamed load_capped cat_sparse read_capped stores_total literal_cap
dir=$(mktemp -d)
passed=0
failed=0

# Writes case $1's script to $dir/$1.mm; prints the output it must contain
# (a grep -F pattern, one line) and the RSS limit in kB.
script_of() {
	f=$dir/$1.mm
	case $1 in
	file_streamed)
		echo "file big size=512M fill='z' text=\"head\"" >"$f"
		echo 'cat big 0 6' >>"$f"
		echo 'cat big 536870908 8' >>"$f"
		want='3 cat big 536870908 8 -> "zzzz"'
		limit=$RUN_LIMIT_KB ;;
	load_capped)
		printf 'spawn P\nP: a = mmap 0 8G read private|anonymous|noreserve\n' >"$f"
		printf 'P: load a 8G\n' >>"$f"
		want='3 P: load a 8G -> -EFBIG'
		limit=$RUN_LIMIT_KB ;;
	cat_sparse)
		printf 'spawn P\nP: fd = open s creat|rdwr\nP: ftruncate fd 64G\ncat s\n' >"$f"
		want='4 cat s -> -EFBIG'
		limit=$RUN_LIMIT_KB ;;
	read_capped)
		printf 'spawn P\nP: fd = open s creat|rdwr\nP: ftruncate fd 1G\n' >"$f"
		printf 'P: read fd 1G\n' >>"$f"
		want='4 P: read fd 1G -> -EFBIG'
		limit=$RUN_LIMIT_KB ;;
	stores_total)
		echo 'spawn P' >"$f"
		for i in 1 2 3 4 5 6 7 8; do
			echo 'P: store 0 "x"*64M' >>"$f"
		done
		want="$f:6:12: error: the strings of one script may hold 268435456 bytes in all"
		limit=$PARSE_LIMIT_KB ;;
	literal_cap)
		{
			printf 'spawn P\nP: store 0 "'
			head -c $((64 * 1024 * 1024 + 1)) /dev/zero | tr '\0' 'y'
			printf '"\n'
		} >"$f"
		want="$f:2:12: error: string longer than 67108864 bytes"
		limit=$PARSE_LIMIT_KB ;;
	*)
		return 1 ;;
	esac
}

out=$dir/out
tv=$dir/time
for c in "$@"; do
	if ! script_of "$c"; then
		echo "FAIL $c: no such case"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$dir/run"
	/usr/bin/time -v "$BIN" run --ram 64M --dir "$dir/run" "$dir/$c.mm" >"$out" 2>"$tv.err"
	cat "$tv.err" >>"$out"
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$tv.err")
	rm -rf "$dir/run"
	if ! grep -qF -- "$want" "$out"; then
		echo "FAIL $c: output lacks: $want"
		grep -v '^	' "$out" | cut -c1-200 | head -n 10
		failed=$((failed + 1))
	elif [ -z "$rss" ] || [ "$rss" -ge "$limit" ]; then
		echo "FAIL $c: peak RSS ${rss:-?} kB, limit $limit kB"
		failed=$((failed + 1))
	else
		echo "ok $c: peak RSS $rss kB (limit $limit kB)"
		passed=$((passed + 1))
	fi
done
rm -rf "$dir"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
