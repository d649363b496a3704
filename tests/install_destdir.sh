#!/bin/sh
# tests/install_destdir.sh - `make install DESTDIR=...` stages everything
# under DESTDIR (and runs no ldconfig there): bin/mmkit, include/mmkit.h,
# lib/libmmkit.a, lib/libmmkit.so.0 (a shared library whose soname is
# libmmkit.so.0) and the libmmkit.so link; a small program compiled
# against the staged header and .so runs with LD_LIBRARY_PATH and reports
# the same version as the staged command.  Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
W=$(mktemp -d /tmp/mmkit-destdir.XXXXXX) || exit 2
trap 'rm -rf "$W"' EXIT INT TERM
passed=0
failed=0
check() { # name, command...
	name=$1
	shift
	if "$@"; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		failed=$((failed + 1))
	fi
}
P=/opt/mmkit-test
check "make install DESTDIR" sh -c "make -s install DESTDIR='$W/stage' PREFIX=$P >'$W/log' 2>&1 || { cat '$W/log'; exit 1; }"
S=$W/stage$P
for f in bin/mmkit include/mmkit.h lib/libmmkit.a lib/libmmkit.so.0; do
	check "staged $f" test -f "$S/$f"
done
check "lib/libmmkit.so links to libmmkit.so.0" test "$(readlink "$S/lib/libmmkit.so")" = libmmkit.so.0
check "the soname is libmmkit.so.0" sh -c "objdump -p '$S/lib/libmmkit.so.0' | grep -q 'SONAME *libmmkit.so.0$'"
check "the build directory has libmmkit.so.0 too" test -f build/libmmkit.so.0
check "nothing outside DESTDIR" test ! -e "$P"
cat >"$W/v.c" <<'C'
#include <stdio.h>
#include <mmkit.h>
int main(void)
{
	struct mmk_config cfg = {.root = "/tmp"};
	mmk_system *sys;
	if (mmk_system_create(&cfg, &sys) < 0)
		return 1;
	printf("libmmkit %s\n", mmk_version());
	return mmk_system_destroy(sys) < 0;
}
C
check "a program compiles against the staged header and .so" \
	cc -o "$W/v" "$W/v.c" -I"$S/include" -L"$S/lib" -lmmkit -pthread
got=$(LD_LIBRARY_PATH=$S/lib "$W/v")
want=$("$S/bin/mmkit" --version | sed 's/^mmkit [^ ]* (\(.*\))$/\1/')
check "it runs on the staged .so: '$got'" test -n "$got" -a "$got" = "$want"
check "it loaded the staged libmmkit.so.0" sh -c "LD_LIBRARY_PATH='$S/lib' ldd '$W/v' | grep -q '$S/lib/libmmkit.so.0'"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
