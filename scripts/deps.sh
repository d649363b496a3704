#!/bin/sh
# Installs what building and testing mmkit needs on a fresh Debian machine:
# a C compiler and make (the library and the command), clang with its
# sanitizer and libFuzzer runtimes (the parser fuzzer), the static libc
# (the Linux backend's server is a static program), GNU time (the memory
# pressure tests measure peak RSS with /usr/bin/time -v), python3 (the
# layer check, scripts/callgraph.py), clang-format (scripts/format-check.sh).
# With --check (make check), also Debian's chromium, the headless browser
# tests/view.sh renders `mmkit run --html` pages in.  Does nothing when
# everything is already there.
set -e
need=""
command -v cc >/dev/null 2>&1 || need="$need build-essential"
command -v make >/dev/null 2>&1 || need="$need make"
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v python3 >/dev/null 2>&1 || need="$need python3"
command -v clang-format >/dev/null 2>&1 || need="$need clang-format"
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/libc.a ] || need="$need libc6-dev"
[ -x /usr/bin/time ] || need="$need time"
if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
	need="$need libclang-rt-dev"
fi
if [ "$1" = "--check" ] && ! command -v chromium >/dev/null 2>&1; then
	need="$need chromium"
fi
[ -z "$need" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "deps: installing$need"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
