#!/bin/sh
# tests/confinement.sh - no script escapes its directory, on either backend.
#
# Each case prepares a run directory ROOT with escape traps in it (symlinks
# to files and directories outside, chains, dangling links, /proc and /dev
# links, FIFOs, a hard link) next to a directory OUT of files a script must
# not reach, then runs a script with `mmkit run --backend B --dir ROOT` for
# B = mmkit and B = linux, under `timeout` (a FIFO must not hang the host).
# After each run it checks that
#   - the run ended in time and ran every statement (no hang, no crash);
#   - nothing next to ROOT was read (no outside file's marker in the
#     transcript), written, truncated, created or deleted (a listing of
#     names, types, sizes, modes, link targets, times and checksums of
#     everything beside ROOT is unchanged);
#   - the statements the case names failed (an -E... result);
# and, for the cases whose answers are deterministic, that both backends
# gave the same transcript.  Ends with "N passed, N failed".
#
#   sh tests/confinement.sh [CASE...]     (default: every case)
#   CONFINE_VERBOSE=1 sh tests/confinement.sh ...   (every transcript too)
cd "$(dirname "$0")/.." || exit 2
M=$PWD/build/mmkit
TIMEOUT=10
passed=0
failed=0
[ -x "$M" ] && [ -x build/mmkit-linux ] || {
	echo "confinement: build/mmkit and build/mmkit-linux are needed (make build/mmkit build/mmkit-linux)"
	echo "0 passed, 1 failed"
	exit 1
}
work=$(mktemp -d)
racer=
cleanup() {
	[ -n "$racer" ] && kill "$racer" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

pass() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# BASE holds ROOT and OUT (and nothing else the scripts may touch).
BASE=$work/base
ROOT=$BASE/root
OUT=$BASE/out
# Whether the snapshot shows inode change times (the hard link case's
# unlink changes its file's link count, hence its ctime: that is the file).
ctimes=1

# A fresh BASE.  OUT's files carry the marker OUTSIDE_DATA, which no
# transcript may show.
fresh() {
	rm -rf "$BASE"
	ctimes=1
	mkdir -p "$ROOT" "$OUT/sub" "$OUT/empty"
	for f in secret victim x; do
		echo "OUTSIDE_DATA $f" >"$OUT/$f"
	done
	echo "OUTSIDE_DATA sub" >"$OUT/sub/secret"
	echo "OUTSIDE_DATA base" >"$BASE/beside"
	mkfifo "$OUT/fifo"
}

# Everything beside ROOT, as one text: any read-write change shows.
snapshot() {
	(cd "$BASE" && find . -path ./root -prune -o \
		-printf "%p %y %s %m %l %T@ $([ $ctimes = 1 ] && echo %C@)\n" | sort &&
		find . -path ./root -prune -o -type f -print | sort | xargs md5sum)
}

# Runs script file $2 on backend $1; the transcript goes to $work/$1.out.
# Returns the run's status (124: stopped by timeout).
run_on() {
	timeout -k 2 "$TIMEOUT" "$M" run --backend "$1" --dir "$ROOT" "$2" >"$work/$1.out" 2>&1
}

# One case on one backend: $1 case name, $2 backend, $3 the setup function
# (fills ROOT), $4 script file, $5 an ERE: the statements whose lines it
# matches must fail (empty: none needs to).
one() {
	name=$1 be=$2 setup=$3 script=$4 mustfail=$5
	fresh
	$setup
	before=$(snapshot)
	run_on "$be" "$script"
	rc=$?
	after=$(snapshot)
	out=$work/$be.out
	why=
	nstmt=$(grep -cvE '^[[:space:]]*(#|$)' "$script")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="no end after $TIMEOUT s (blocked?)"
	elif [ "$rc" -ne 0 ]; then
		why="status $rc"
	elif [ "$(grep -cE '^[0-9]+ ' "$out")" -ne "$nstmt" ]; then
		why="ran $(grep -cE '^[0-9]+ ' "$out") of $nstmt statements"
	fi
	if [ "$before" != "$after" ]; then
		why="$why${why:+; }something beside the root changed:
$(printf '%s\n' "$before" >"$work/b"; printf '%s\n' "$after" >"$work/a"; diff "$work/b" "$work/a")"
	fi
	if grep -q OUTSIDE_DATA "$out"; then
		why="$why${why:+; }an outside file was read: $(grep OUTSIDE_DATA "$out" | head -n 3)"
	fi
	if [ -n "$mustfail" ]; then
		bad=$(grep -E '^[0-9]+ ' "$out" | grep -E -- "$mustfail" | grep -vE ' -> -E[A-Z0-9]+$')
		[ -n "$bad" ] && why="$why${why:+; }succeeded: $bad"
	fi
	if [ -n "$why" ]; then
		fail "$name ($be)" "$why"
		sed 's/^/    /' "$out" | head -n 40
	else
		pass "$name ($be)"
		[ -n "$CONFINE_VERBOSE" ] && sed 's/^/    /' "$out"
	fi
}

# A case on both backends: $1 name, $2 setup, $3 must-fail ERE, $4 1 if the
# two transcripts must agree; the script is on stdin.
case_both() {
	name=$1 setup=$2 mustfail=$3 agree=$4
	[ -n "$only" ] && case " $only " in *" $name "*) ;; *) cat >/dev/null; return ;; esac
	script=$work/$name.mm
	cat >"$script"
	one "$name" mmkit "$setup" "$script" "$mustfail"
	one "$name" linux "$setup" "$script" "$mustfail"
	if [ "$agree" = 1 ]; then
		if cmp -s "$work/mmkit.out" "$work/linux.out"; then
			pass "$name (backends agree)"
		else
			fail "$name (backends agree)" "transcripts differ"
			diff "$work/linux.out" "$work/mmkit.out" | sed 's/^/    /' | head -n 20
		fi
	fi
}
only="$*"

# The statements of every escape attempt through PATH-PREFIX $1 (a path
# that names OUT from inside ROOT).
attempts() {
	cat <<EOF
spawn P
P: r = open $1/secret rdonly
P: read r 64
P: w = open $1/victim wronly|trunc
P: write w "PWNED"
P: a = open $1/x rdwr|append
P: pwrite a 0 "PWNED"
P: ftruncate a 0
P: unlink $1/x
P: n = open $1/created wronly|creat
P: e = open $1/created2 rdwr|creat|excl
P: m = mmap 0 4K read|write shared r 0
P: mkdir $1/newdir
P: mkdir $1/sub/newdir
P: rmdir $1/empty
P: rmdir $1/empty/
P: d = open $1/sub rdonly|directory
cat $1/secret
cat $1/sub/secret
file $1/victim size=3
file $1/made size=4K
EOF
}
ALL='open|unlink|mkdir|rmdir|cat|file|read|write|ftruncate|mmap'

no_setup() { :; }
case_both dotdot no_setup "$ALL" 1 <<EOF
$(attempts ../out)
$(attempts ./../out | tail -n +2)
P: d = open ../root/../out/secret rdonly
EOF

case_both absolute no_setup "$ALL" 1 <<EOF
$(attempts "$OUT")
P: b = open $BASE/beside rdwr
EOF

setup_filelinks() {
	ln -s "$OUT/secret" "$ROOT/abs_secret"
	ln -s ../out/victim "$ROOT/rel_victim"
	ln -s "$OUT/x" "$ROOT/abs_x"
	ln -s "$BASE/beside" "$ROOT/beside"
}
case_both file_symlinks setup_filelinks "$ALL" 1 <<'EOF'
spawn P
P: r = open abs_secret rdonly
P: read r 64
P: w = open rel_victim wronly|trunc
P: write w "PWNED"
P: a = open abs_x rdwr|append
P: b = open beside rdwr
P: c = open rel_victim rdwr|creat
cat abs_secret
cat beside
file rel_victim size=3
file abs_x size=0
EOF

setup_dirlinks() {
	ln -s "$OUT" "$ROOT/absdir"
	ln -s ../out "$ROOT/reldir"
	mkdir "$ROOT/in"
	ln -s ../../out/sub "$ROOT/in/deep"
}
case_both dir_symlinks setup_dirlinks "$ALL" 1 <<EOF
$(attempts absdir)
$(attempts reldir | tail -n +2)
P: s = open in/deep/secret rdonly
P: t = open in/deep/new wronly|creat
P: unlink in/deep/secret
EOF

setup_chains() {
	ln -s "$OUT" "$ROOT/c3"
	ln -s c3 "$ROOT/c2"
	ln -s c2 "$ROOT/c1"
	ln -s ../out/secret "$ROOT/f3"
	ln -s f3 "$ROOT/f2"
	ln -s f2 "$ROOT/f1"
	mkdir "$ROOT/d"
	ln -s ../c1 "$ROOT/d/up"
}
case_both symlink_chains setup_chains "$ALL" 1 <<EOF
$(attempts c1)
$(attempts d/up | tail -n +2)
P: f = open f1 rdwr|trunc
cat f1
file f1 size=1
EOF

setup_dangling() {
	ln -s "$OUT/abs_new" "$ROOT/dang_abs"
	ln -s ../out/rel_new "$ROOT/dang_rel"
	ln -s dang_abs "$ROOT/dang_chain"
	ln -s "$BASE/beside_new" "$ROOT/dang_beside"
	ln -s "$OUT/nodir/new" "$ROOT/dang_deep"
}
case_both dangling_creat setup_dangling 'open|file|write' 1 <<'EOF'
spawn P
P: a = open dang_abs wronly|creat
P: b = open dang_rel rdwr|creat
P: c = open dang_chain wronly|creat|trunc
P: d = open dang_beside wronly|creat
P: e = open dang_deep wronly|creat
P: x = open dang_rel rdwr|creat|excl
P: write b "PWNED"
file dang_abs size=8
file dang_rel size=8
file dang_chain size=8
file dang_beside size=8
EOF

# /proc magic links, reached through symlinks: /proc/self/root is the
# host's "/", /proc/self/cwd the root itself, /proc/self/fd/N an open file.
setup_proc() {
	ln -s /proc/self/root "$ROOT/hostroot"
	ln -s /proc/self "$ROOT/self"
	ln -s /proc "$ROOT/proc"
	ln -s "/proc/self/root$OUT" "$ROOT/via_root"
	ln -s /proc/self/cwd/../out "$ROOT/via_cwd"
	ln -s ../../../../../../../../../../proc/self/root "$ROOT/rel_proc"
}
case_both proc_magiclinks setup_proc "$ALL" 1 <<EOF
$(attempts via_root)
$(attempts via_cwd | tail -n +2)
$(attempts "hostroot$OUT" | tail -n +2)
P: s = open self/root/etc/hostname rdonly
P: u = open proc/self/fd/0 rdonly
P: v = open self/cwd rdonly
P: q = open rel_proc/etc/hostname rdonly
cat self/status
cat proc/self/root$OUT/secret
EOF

# Devices: links to /dev files and to /dev itself fail; none may block.
setup_dev() {
	ln -s /dev/zero "$ROOT/zero"
	ln -s /dev/null "$ROOT/null"
	ln -s /dev/tty "$ROOT/tty"
	ln -s /dev "$ROOT/dev"
}
case_both devices setup_dev 'open|cat|file|mmap' 1 <<'EOF'
spawn P
P: z = open zero rdonly
P: read z 16
P: m = mmap 0 4K read private z 0
P: n = open null wronly
P: t = open tty rdwr
P: u = open dev/urandom rdonly
P: f = open dev/full wronly
cat zero 0 16
cat dev/zero 0 16
file null size=1
file dev/null size=1
EOF

# FIFOs: one inside the root (its opens and reads must answer without
# blocking, whatever they answer) and a link to one outside (must fail).
setup_fifo() {
	mkfifo "$ROOT/fifo"
	ln -s "$OUT/fifo" "$ROOT/out_fifo"
	ln -s ../out/fifo "$ROOT/rel_fifo"
}
case_both fifos setup_fifo 'out_fifo|rel_fifo' 1 <<'EOF'
spawn P
P: o = open out_fifo rdonly
P: q = open rel_fifo wronly
cat out_fifo
file rel_fifo size=1
cat fifo
P: r = open fifo rdonly
P: read r 16
P: w = open fifo wronly
P: b = open fifo rdwr
P: read b 16
P: write b "data"
P: read b 16
P: read b 16
file fifo size=1
EOF

# A hard link to an outside file is that file, not a path out of the root
# (docs/DIFFERENCES.md): through it a script reads the file, but removing
# it removes the link only, and nothing else beside the root changes.
setup_hardlink() {
	echo "HARD LINKED" >"$OUT/hard"
	ln "$OUT/hard" "$ROOT/hard"
	ctimes=0
}
case_both hard_link setup_hardlink '' 1 <<'EOF'
spawn P
P: r = open hard rdonly
P: read r 64
P: close r
cat hard
P: unlink hard
cat hard
EOF

# A directory that a racer keeps swapping with a symlink to OUT while the
# script opens, creates and unlinks paths through it: whatever each
# statement answers, nothing outside may change.  The racer exchanges the
# two names "sw" (a directory with files) and "evil" (the symlink)
# atomically, as fast as it can (renameat2(RENAME_EXCHANGE): "sw" always
# exists, as the one or the other); without a C compiler, a slower loop of
# mv(1).  It stops when the run ends (or after TIMEOUT s).
racer_bin=
if command -v "${CC:-cc}" >/dev/null 2>&1; then
	cat >"$work/racer.c" <<'CEOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
int main(void)
{
	for (;;)
		if (renameat2(AT_FDCWD, "sw", AT_FDCWD, "evil", RENAME_EXCHANGE) < 0)
			return 1;
}
CEOF
	"${CC:-cc}" -O2 -o "$work/racer" "$work/racer.c" 2>/dev/null && racer_bin=$work/racer
fi
setup_race() {
	mkdir "$ROOT/sw"
	for f in secret victim x; do echo "inside $f" >"$ROOT/sw/$f"; done
	ln -s "$OUT" "$ROOT/evil"
	if [ -n "$racer_bin" ]; then
		(cd "$ROOT" && exec timeout "$TIMEOUT" "$racer_bin") &
	else
		timeout "$TIMEOUT" sh -c \
			'cd "$1" && while :; do mv -T sw tmp; mv -T evil sw; mv -T sw evil; mv -T tmp sw; done' \
			racer "$ROOT" >/dev/null 2>&1 &
	fi
	racer=$!
}
race_script() {
	echo "spawn P"
	i=0
	while [ $i -lt 150 ]; do
		echo "P: r$i = open sw/secret rdonly"
		echo "P: read r$i 32"
		echo "P: w$i = open sw/victim wronly|trunc"
		echo "P: c$i = open sw/new$i wronly|creat"
		echo "P: unlink sw/x"
		echo "P: close r$i"
		echo "P: close w$i"
		echo "P: close c$i"
		i=$((i + 1))
	done
	echo "cat sw/secret"
	echo "file sw/victim size=1"
}
race_case() {
	for be in mmkit linux; do
		[ -n "$only" ] && case " $only " in *" symlink_race "*) ;; *) return ;; esac
		race_script >"$work/race.mm"
		# The racer belongs to this backend's run only.
		one symlink_race "$be" setup_race "$work/race.mm" ''
		# How the opens went (a race that never swapped tests little).
		echo "   opens of sw/...: $(grep -E '= open sw/' "$work/$be.out" |
			sed -E 's/.* -> //; s/^[0-9]+$/fd/' | sort | uniq -c | tr -s ' \n' ' ')"
		kill "$racer" 2>/dev/null
		wait "$racer" 2>/dev/null
		racer=
	done
}
race_case

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
