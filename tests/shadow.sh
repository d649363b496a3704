#!/bin/sh
# tests/shadow.sh - the shadow corpus (docs/SHADOW.md): real programs of a
# Debian machine run under `mmkit shadow`, which mirrors every call that
# shapes their address spaces into mmkit and compares /proc/PID/maps and
# status with mmkit's after each one.  A program passes when shadow ends
# with "0 differences" and the program itself succeeded, within 5 minutes.  Ends with
# "N passed, N failed".
#
#   sh tests/shadow.sh [NAME...]     only the named entries
#   MMKIT=build-debug/mmkit sh tests/shadow.sh
#   SHADOW_OPTS=--at-exec-and-exit sh tests/shadow.sh
#
# Every command line below is listed in docs/SHADOW.md; keep the two equal.
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
MMKIT=${MMKIT:-$top/build/mmkit}
case $MMKIT in /*) ;; *) MMKIT=$top/$MMKIT ;; esac
[ -x "$MMKIT" ] || { echo "tests/shadow.sh: $MMKIT not built"; exit 2; }
W=$(mktemp -d /tmp/mmkit-shadow.XXXXXX) || exit 2
trap 'rm -rf "$W"' EXIT INT TERM
passed=0
failed=0
only="$*"

# The corpus' own programs and data, made before anything runs.
cc -O2 -o "$W/seed_maps" tests/shadow/seed_maps.c &&
cc -O2 -static -o "$W/seed_maps_static" tests/shadow/seed_maps.c &&
cc -O2 -static-pie -o "$W/seed_maps_spie" tests/shadow/seed_maps.c &&
cc -O2 -pthread -o "$W/threads" tests/shadow/threads.c &&
cc -O2 -o "$W/calls" tests/shadow/calls.c &&
cc -O2 -o "$W/files" tests/shadow/files.c &&
cc -O2 -pthread -o "$W/thread_exec" tests/shadow/thread_exec.c &&
cc -O0 -o "$W/stack" tests/shadow/stack.c &&
cc -O2 -o "$W/fds" tests/shadow/fds.c &&
cp tests/shadow/hello.c "$W/hello.c" || { echo "tests/shadow.sh: cannot build the corpus"; exit 2; }
seq 1 400000 >"$W/numbers"
sed 's/^77777$/seventy/' "$W/numbers" >"$W/numbers2"
cat "$W/numbers" "$W/numbers" "$W/numbers" "$W/numbers" >"$W/big"   # 10 MiB
mkdir -p "$W/make" "$W/repo"
printf 'all: hello.o\n\techo made\nhello.o: hello.c\n\tcc -c -o hello.o hello.c\n' >"$W/make/Makefile"
printf 'all: a.o b.o\na.o: hello.c\n\tcc -O2 -c -o a.o hello.c\nb.o: hello.c\n\tcc -O0 -c -o b.o hello.c\n' >"$W/make/Makefile.j2"
cp tests/shadow/hello.c "$W/make/hello.c"
cat >"$W/imports.py" <<'EOF'
import argparse, collections, csv, datetime, decimal, email.parser, fractions
import http.client, json, logging, re, sqlite3, statistics, subprocess, tarfile
import unittest, urllib.parse, uuid, xml.etree.ElementTree as ET, zipfile
db = sqlite3.connect(":memory:")
db.execute("create table t (x)")
db.executemany("insert into t values (?)", [(i,) for i in range(1000)])
print(db.execute("select sum(x) from t").fetchone()[0], json.dumps({"ok": True}))
print(subprocess.run(["/bin/true"]).returncode)
EOF
cat >"$W/mmaps.py" <<'EOF'
import mmap
f = open("mmap.data", "w+b")
f.write(b"x" * 8192)
f.flush()
m = mmap.mmap(f.fileno(), 8192)
m.resize(3 * 8192)
a = mmap.mmap(-1, 1 << 20)
a[0:5] = b"hello"
a.resize(4 << 20)
a.madvise(mmap.MADV_DONTNEED)
print(len(m), len(a), bytes(a[0:5]))
EOF
export GIT_AUTHOR_NAME=shadow GIT_AUTHOR_EMAIL=shadow@example.org
export GIT_COMMITTER_NAME=shadow GIT_COMMITTER_EMAIL=shadow@example.org
export GIT_CONFIG_NOSYSTEM=1 HOME="$W" PATH=/usr/bin:/bin LC_ALL=C

# shadow NAME PROG [ARGS...]: one corpus entry, run in $W.
shadow() {
	name=$1
	shift
	if [ -n "$only" ]; then
		case " $only " in *" $name "*) ;; *) return ;; esac
	fi
	(cd "$W" && timeout 300 "$MMKIT" shadow $SHADOW_OPTS -- "$@" >"$W/out" 2>"$W/err")
	rc=$?
	last=$(tail -n 1 "$W/err")
	if [ "$rc" -eq 0 ] &&
		echo "$last" | grep -Eq '^shadow: [0-9]+ calls mirrored, [1-9][0-9]* maps compared, 0 differences$' &&
		! grep -q '^shadow: the program' "$W/err"; then
		passed=$((passed + 1))
		echo "ok   $name: $last"
	else
		failed=$((failed + 1))
		echo "FAIL $name (exit $rc): $*"
		tail -n 40 "$W/err" | sed 's/^/    /'
	fi
}

shadow seed-maps          "$W/seed_maps"
shadow seed-maps-static   "$W/seed_maps_static"
shadow seed-maps-static-pie "$W/seed_maps_spie"
shadow calls              "$W/calls" numbers
shadow threads            "$W/threads" numbers
shadow files              "$W/files" files.tmp
shadow thread-exec        "$W/thread_exec"
shadow stack              "$W/stack"
shadow fds                "$W/fds" numbers
shadow true               /bin/true
shadow sh-pipeline        /bin/sh -c 'seq 1 20000 | sort -rn | head -n 3 | tr 0-9 a-j'
shadow bash-loop          /bin/bash -c 'for i in 1 2 3; do echo $i; done | wc -l'
shadow ls-l               /bin/ls -l /usr/bin
shadow sort               /usr/bin/sort -n -r numbers
shadow cat-large          /bin/cat big
shadow wc                 /usr/bin/wc -l big
shadow sha256sum          /usr/bin/sha256sum big
shadow gzip               /bin/gzip -c -6 big
shadow gzip-d             /bin/sh -c '/bin/gzip -c big | /bin/gzip -d -c | /usr/bin/cmp - big'
shadow xz-threads         /usr/bin/xz -T2 -1 -c numbers
shadow python3-imports    /usr/bin/python3 imports.py
shadow python3-mmap       /usr/bin/python3 mmaps.py
shadow perl               /usr/bin/perl -MPOSIX -MData::Dumper -e 'print Dumper([map { floor($_ / 3) } 1..5])'
shadow gcc-compile        /usr/bin/gcc -O2 -o hello hello.c
shadow gcc-lto            /usr/bin/gcc -flto -O2 -o hello_lto hello.c
shadow hello-run          "$W/hello"
shadow make               /usr/bin/make -C make
shadow make-j2            /usr/bin/make -j2 -C make -f Makefile.j2
shadow git-init           /usr/bin/git init -q repo
shadow git-commit         /bin/sh -c 'cd repo && cp ../hello.c . && git add hello.c && git commit -q -m first'
shadow git-log            /usr/bin/git -C repo log --stat
shadow git-gc             /usr/bin/git -C repo gc -q
shadow awk                /usr/bin/awk '{ s += $1 } END { print s }' numbers
shadow sed                /bin/sed -n 's/^\(1234.*\)$/<\1>/p' numbers
shadow grep               /bin/grep -c -E '^(12|34)[0-9]*5$' big
shadow find               /usr/bin/find /usr/include -name '*.h'
shadow tar-gzip           /bin/tar czf t.tgz make repo
shadow cp-dd              /bin/sh -c 'cp big big2 && dd if=big2 of=/dev/null bs=64k status=none'
shadow diff               /bin/sh -c 'diff numbers numbers2 >/dev/null; test $? = 1'
shadow du                 /usr/bin/du -s /usr/share/doc
shadow ldd-script         /usr/bin/ldd /bin/ls
shadow zcat-script        /bin/sh -c '/bin/gzip -c numbers >n.gz && /bin/zcat n.gz | /usr/bin/tail -n 1'
shadow relative-exec      /bin/sh -c 'cd / && bin/true'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
