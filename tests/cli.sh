#!/bin/sh
# tests/cli.sh - the `mmkit` command as a user meets it: --version, "did
# you mean" for mistyped commands, options and script words, the full list
# of valid words in errors, help STATEMENT (and the statements' usage as
# docs/SCRIPTS.md gives it), the prompt's help and bare NAME, a warning for
# options the linux backend ignores, and a run that leaves no file in the
# current directory.  Needs build/mmkit (and build/mmkit-linux).  Ends with
# "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
M=${MMKIT:-$top/build/mmkit}
W=$(mktemp -d /tmp/mmkit-cli.XXXXXX) || exit 2
trap 'rm -rf "$W"' EXIT INT TERM
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -s "$W/err" ] && sed 's/^/    /' "$W/err"; }
# has NAME FILE TEXT: FILE holds the line TEXT (fixed string)
has() { if grep -qxF -- "$3" "$2"; then ok "$1"; else bad "$1: no line '$3'"; sed 's/^/    | /' "$2"; fi; }

# --version: the Makefile's VERSION, for the command and the library
v=$(sed -n 's/^VERSION := //p' Makefile)
"$M" --version >"$W/v1" 2>"$W/err"
"$M" version >"$W/v2" 2>>"$W/err"
if grep -qE "^mmkit $v(\+git\.[^ ]+)? \(libmmkit $v(\+git\.[^ ]+)?\)$" "$W/v1" && cmp -s "$W/v1" "$W/v2"; then
	ok "--version and version: $(cat "$W/v1")"
else
	bad "--version: $(cat "$W/v1") (want $v for both)"
fi

# did you mean: a command, an option of every subcommand
"$M" rn x.mm 2>"$W/e" >/dev/null
has "a mistyped command" "$W/e" "mmkit: unknown command 'rn'; did you mean 'run'? (mmkit help lists them)"
for c in "run --rma=4M:--rma=4M:--ram" "check --slef:--slef:--self" "bench --shrot:--shrot:--short" \
	"fuzz --sede 3:--sede:--seed" "replay --swp 1M:--swp:--swap" "exec --rot d:--rot:--root" \
	"shadow --trcae:--trcae:--trace"; do
	args=${c%%:*} rest=${c#*:}
	typed=${rest%%:*} want=${rest#*:}
	# shellcheck disable=SC2086
	"$M" $args x >/dev/null 2>"$W/e"
	has "mmkit $args" "$W/e" "mmkit ${args%% *}: unknown option '$typed'; did you mean '$want'?"
done
"$M" run --ram >/dev/null 2>"$W/e"
has "an option without its value" "$W/e" "mmkit run: option '--ram' needs a value"
"$M" run --kswapd=1 >/dev/null 2>"$W/e"
has "a value for an option without one" "$W/e" "mmkit run: option '--kswapd' takes no value"
"$M" run --policy lur x.mm >/dev/null 2>"$W/e"
has "a mistyped option value" "$W/e" "mmkit run: unknown policy 'lur' (lru, clock, fifo, opt, exact-lru, all); did you mean 'lru'?"

# did you mean, in a script: the error stays FILE:LINE:COL: error: ...
printf 'spawn P\nP: a = mmap 0 4K read|wrte private|anonymous\n' >"$W/w.mm"
printf 'spwan P\n' >"$W/s.mm"
printf 'spawn P\nP: mmpa 0 4K read private\n' >"$W/o.mm"
printf 'spawn P\nP: madvise 0 4K dontned\n' >"$W/a.mm"
for f in w s o a; do "$M" run "$W/$f.mm" >/dev/null 2>"$W/$f.err"; done
has "a mistyped flag word" "$W/w.err" "$W/w.mm:2:23: error: unknown prot flag 'wrte' (one of: none read write exec growsdown growsup); did you mean 'write'?"
has "a mistyped statement" "$W/s.err" "$W/s.mm:1:1: error: unknown statement 'spwan'; did you mean 'spawn'?"
has "a mistyped operation" "$W/o.err" "$W/o.mm:2:4: error: unknown operation 'mmpa'; did you mean 'mmap'?"
# the full list of valid words: the advice table's last word is in it
if grep -q "^$W/a.mm:2:17: error: unknown madvise advice 'dontned' (one of: normal .* guard_remove); did you mean 'dontneed'?$" "$W/a.err"; then
	ok "a mistyped advice, with every advice listed"
else
	bad "a mistyped advice, with every advice listed"
	sed 's/^/    | /' "$W/a.err"
fi

# help STATEMENT: for every statement, its usage line is the one
# docs/SCRIPTS.md's tables give
n=0
for s in $("$M" help statements | sed -n 's/^  \([a-z_]*\).*/\1/p' | sort -u); do
	"$M" help "$s" >"$W/h" 2>&1 || { bad "help $s"; continue; }
	u=$(sed -n '1{s/^P: //;s/|/\\|/g;s/^exec \[PATH \[ARGS...\]\]$/exec PATH [ARGS...]/;p;}' "$W/h")
	if grep -qF "| \`$u\` |" docs/SCRIPTS.md && [ "$(wc -l <"$W/h")" -eq 2 ]; then
		n=$((n + 1))
	else
		bad "help $s: '$u' is not a statement's usage in docs/SCRIPTS.md"
		break
	fi
done
[ "$n" -gt 40 ] && ok "help STATEMENT for $n statements, as docs/SCRIPTS.md" || bad "help: only $n statements"
"$M" help munmp >"$W/h" 2>&1
has "help of a mistyped statement" "$W/h" "no statement 'munmp'; did you mean 'munmap'? (help lists them all)"

# the prompt: help STATEMENT, and a bare NAME prints its value
if python3 tests/prompt.py "$M" 'spawn P' 'P: a = mmap 0x10000000 4K read private|anonymous' a \
	'help munmap' b >"$W/p" 2>"$W/err"; then
	sed -n '/^> a$/{n;p;}' "$W/p" >"$W/pa"
	has "the prompt: a bare NAME prints its value" "$W/pa" "0x10000000"
	has "the prompt: help STATEMENT" "$W/p" "P: munmap ADDR LEN"
	has "the prompt: an unbound name is still an error" "$W/p" "error: unknown statement 'b'"
else
	bad "the prompt did not answer"
fi

# options the linux backend ignores: one warning line each, naming them
printf 'spawn P\n' >"$W/l.mm"
"$M" run --backend linux --ram 4M --kswapd --dir "$W" "$W/l.mm" >/dev/null 2>"$W/e"
has "--ram with --backend linux warns" "$W/e" "mmkit run: warning: --ram does nothing with --backend linux (the script runs in the host's own memory)"
has "--kswapd with --backend linux warns" "$W/e" "mmkit run: warning: --kswapd does nothing with --backend linux (the host runs its own kswapd)"
[ "$(wc -l <"$W/e")" -eq 2 ] && ok "nothing else on stderr" || bad "stderr has more than the two warnings"
"$M" run --ram 4M --dir "$W" "$W/l.mm" >/dev/null 2>"$W/e"
[ ! -s "$W/e" ] && ok "--ram on the mmkit backend: no warning" || bad "--ram on mmkit warned"

# the default --dir: a temporary directory, removed; --keep keeps it
mkdir "$W/cwd" "$W/tmp"
printf 'file f.txt text="x"\ncat f.txt\n' >"$W/f.mm"
(cd "$W/cwd" && TMPDIR="$W/tmp" "$M" run ../f.mm >"$W/out" 2>"$W/err")
if [ -z "$(ls -A "$W/cwd")" ] && [ -z "$(ls -A "$W/tmp")" ] && grep -q '^2 cat f.txt -> "x"$' "$W/out"; then
	ok "run without --dir leaves no file behind"
else
	bad "run without --dir left: $(ls -A "$W/cwd" "$W/tmp")"
fi
(cd "$W/cwd" && TMPDIR="$W/tmp" "$M" run --keep ../f.mm >/dev/null 2>"$W/err")
d=$(sed -n 's/^mmkit run: the script.s files are kept in //p' "$W/err")
if [ -z "$(ls -A "$W/cwd")" ] && [ -n "$d" ] && [ "$(cat "$d/f.txt")" = x ]; then
	ok "--keep keeps the directory and says where: $d"
else
	bad "--keep: '$d'"
fi
# ... and at the prompt, killed by a signal, the directory still goes
for sig in SIGHUP SIGTERM; do
	rm -rf "${W:?}/tmp/"*
	PROMPT_KILL=$sig TMPDIR="$W/tmp" python3 tests/prompt.py "$M" 'file f.txt text="x"' \
		'spawn P' 'P: mkdir d' 'P: mkdir d/e' 'file d/e/g.txt text="y"' >"$W/p" 2>"$W/err"
	grep -q '^-' "$W/p" && bad "$sig: the prompt refused a line: $(grep '^-' "$W/p")"
	[ -z "$(ls -A "$W/tmp")" ] && ok "$sig at the prompt leaves no file behind" ||
		bad "$sig at the prompt left $(ls -A "$W/tmp")"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
