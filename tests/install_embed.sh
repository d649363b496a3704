#!/bin/sh
# Installs mmkit into a temporary prefix, builds examples/embed.c against it
# with pkg-config (static and shared), runs both, and checks what they print:
# the file read through a private mapping, then the file unchanged by the
# copy-on-write store.  Prints "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
prefix=$(mktemp -d /tmp/mmkit-prefix.XXXXXX)
work=$(mktemp -d /tmp/mmkit-embed.XXXXXX)
pass=0
fail=0
check() { # name, command...
	name=$1
	shift
	if "$@"; then
		echo "ok $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name"
		fail=$((fail + 1))
	fi
}
check install sh -c "make -s install PREFIX='$prefix' >/dev/null"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
check pkg-config-static sh -c "cc -o '$work/embed-static' examples/embed.c \$(pkg-config --cflags mmkit) '$prefix/lib/libmmkit.a' -pthread"
check pkg-config-shared sh -c "cc -o '$work/embed-shared' examples/embed.c \$(pkg-config --cflags --libs mmkit) -Wl,-rpath,'$prefix/lib'"
want=$(printf 'mapped at 0x7ffff7ffe000: hello, mmap\nfile still says: hello, mmap')
for kind in static shared; do
	got=$("$work/embed-$kind" "$work" 2>&1)
	check "embed-$kind-output" test "$got" = "$want"
done
rm -rf "$prefix" "$work"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
