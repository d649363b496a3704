#!/bin/sh
# Installs what building and testing mmkit needs on a fresh Debian machine:
# a C compiler and make (the library and the command), clang with its
# sanitizer and libFuzzer runtimes (the parser fuzzer), the static libc
# (the Linux backend's server is a static program), GNU time (the memory
# pressure tests measure peak RSS with /usr/bin/time -v), python3 (the
# layer check, scripts/callgraph.py, and the shadow corpus), clang-format
# (scripts/format-check.sh), the real programs of the shadow corpus
# (tests/shadow.sh: git, python3, perl, xz; the rest are essential
# packages), the riscv64 cross compiler with its static libc and qemu-user
# (`mmkit exec`'s test programs are built for riscv64; qemu-riscv64 is
# their instruction-set oracle and the speed reference), valgrind
# (tests/replay.sh records a real program's memory references with its
# lackey tool).  With --check
# (make check), also Debian's chromium, the headless browser tests/view.sh
# renders `mmkit run --html` pages in.  With --tour (make tour), only the C
# compiler, make and the static libc that the command and its Linux server
# need.  Does nothing when everything is already there.
set -e
need=""
install_need() {
	[ -z "$need" ] && exit 0
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	echo "deps: installing$need"
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
	exit 0
}
if [ "$1" = "--tour" ]; then
	command -v cc >/dev/null 2>&1 || need="$need build-essential"
	command -v make >/dev/null 2>&1 || need="$need make"
	[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/libc.a ] || need="$need libc6-dev"
	install_need
fi
command -v cc >/dev/null 2>&1 || need="$need build-essential"
command -v make >/dev/null 2>&1 || need="$need make"
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v python3 >/dev/null 2>&1 || need="$need python3"
command -v clang-format >/dev/null 2>&1 || need="$need clang-format"
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/libc.a ] || need="$need libc6-dev"
[ -x /usr/bin/time ] || need="$need time"
[ -x /usr/bin/git ] || need="$need git"
[ -x /usr/bin/python3 ] || need="$need python3"
[ -x /usr/bin/perl ] || need="$need perl"
[ -x /usr/bin/xz ] || need="$need xz-utils"
command -v riscv64-linux-gnu-gcc >/dev/null 2>&1 || need="$need gcc-riscv64-linux-gnu"
[ -f /usr/riscv64-linux-gnu/lib/libc.a ] || need="$need libc6-dev-riscv64-cross"
command -v qemu-riscv64 >/dev/null 2>&1 || need="$need qemu-user"
command -v valgrind >/dev/null 2>&1 || need="$need valgrind"
if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
	need="$need libclang-rt-dev"
fi
if [ "$1" = "--check" ] && ! command -v chromium >/dev/null 2>&1; then
	need="$need chromium"
fi
install_need
