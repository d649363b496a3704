#!/bin/sh
# tests/run.sh - runs every test of mmkit and ends with one line
# "N passed, N failed" summing them all.  `make check` builds what it needs
# first (debug ASan+UBSan build, release build, TSan build) and calls this.
#
#   1. unit tests, ASan+UBSan, invariant checker after every call  (build-debug/tests)
#   2. the 1,000,000-VMA scale test, release build                  (build/tests/test_scale)
#      and the memory-pressure acceptance workloads, release build,
#      peak RSS measured with /usr/bin/time -v                       (tests/pressure.sh)
#   3. the concurrency tests under ThreadSanitizer                   (build-tsan/tests/test_threads,
#      test_stress; MMK_STRESS_SECONDS=N runs each stress test N s)  build-tsan/tests/test_stress)
#   4. every scenario script and example, on mmkit and on the host kernel (mmkit check)
#      and the confinement suite on both backends                 (tests/confinement.sh)
#      and the shadow corpus: real programs under ptrace, mirrored call by call (tests/shadow.sh)
#   5. a fixed-seed differential fuzz run (mmkit fuzz), a short coverage-guided
#      one (build-cov/mmkit fuzz --guided, when clang built it), the example
#      tour and the --html view in headless Chromium             (tests/view.sh),
#      the tour's brief trace and the trace styles   (tests/trace_tour.sh, trace_styles.sh),
#      mmkit exec's riscv64 programs, its trace and view  (tests/rv/run.sh, tests/rv/trace.sh),
#      mmkit replay of a valgrind trace vs textbook FIFO/OPT/LRU  (tests/replay.sh)
#      and reproducible runs under --ram, on any --dir with --fs (tests/reproducible.sh)
#      and the command as a user meets it                         (tests/cli.sh)
#   6. a short libFuzzer run on the script parser
#   7. the layers of src/: no call up a layer (scripts/callgraph.py) and its self-test;
#      clang-format (scripts/format-check.sh)
cd "$(dirname "$0")/.." || exit 2
passed=0
failed=0
failures="" # names of the sections that failed, repeated before the summary
log=$(mktemp)

# Runs a test program; adds its closing "N passed, N failed" (or 1/0 by exit code).
run() {
	name=$1
	shift
	echo "== $name"
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\1/')
		f=$(echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\2/')
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1 # crashed after its summary
		fi
	elif [ "$rc" -eq 0 ]; then
		p=1 f=0
	else
		p=0 f=1
	fi
	[ "$rc" -ne 0 ] && echo "!! $name exited with status $rc"
	if [ "$f" -ne 0 ]; then
		# The failing lines themselves, so a log cut to its tail still says what broke.
		failures="$failures
!! $name: $f failed
$(grep -E -i '(^|[^a-z])(FAIL|not ok|error|mismatch|differ)' "$log" | grep -v -E '^[0-9]+ passed, ' | head -n 8 | sed 's/^/   /')"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

for t in build-debug/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *test_threads) continue ;; esac
	run "$(basename "$t") (asan+ubsan)" "$t"
done
run "test_scale (release)" build/tests/test_scale
run "memory pressure: 4 GiB file / 1 GiB anon in 64 MiB RAM (release, peak RSS)" sh tests/pressure.sh
run "make install + pkg-config + examples/embed.c" sh tests/install_embed.sh
run "make install DESTDIR: libmmkit.so.0, a program linked to it" sh tests/install_destdir.sh
if [ -x build-tsan/tests/test_threads ]; then
	run "test_threads (tsan)" env TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_threads
fi
if [ -x build-tsan/tests/test_stress ]; then
	run "test_stress (tsan)" env TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_stress
fi
if [ -x build/mmkit ]; then
	run "script limits: peak RSS of big files, loads, cats, strings (release)" sh tests/script_limits.sh
	run "mmkit check" build/mmkit check examples/*.mm tests/scenarios/*.mm
	run "confinement: no script leaves its directory, on either backend" sh tests/confinement.sh
	run "linux backend: a refused operation is reported once" sh tests/linux_refused.sh
	run "mmkit shadow: real programs agree with the host kernel at every call" sh tests/shadow.sh
	run "mmkit shadow: what it cannot follow stops the run, named" sh tests/shadow_refused.sh
	run "mmkit fuzz (seed 1, 500 scripts)" build/mmkit fuzz --seed 1 --count 500 --out tests/out/fuzz
	if [ -x build-cov/mmkit ]; then
		run "mmkit fuzz --guided (coverage build, seed 1, 100 scripts)" \
			build-cov/mmkit fuzz --guided --seed 1 --count 100 --out tests/out/fuzz
		run "mmkit fuzz --guided: the same corpus on every run of a seed" sh tests/fuzz_guided_same.sh
	fi
	run "the tour (make tour's examples, with --trace)" sh -c 'sh examples/tour.sh >/dev/null'
	run "the view: mmkit run --html pages in headless Chromium" sh tests/view.sh
	run "the examples' first access is a major fault with readahead" sh tests/examples_cold.sh
	run "mmkit replay: a valgrind lackey trace under fifo/opt/exact-lru vs textbook" sh tests/replay.sh
	run "the tour's brief trace explains and is half as long" sh tests/trace_tour.sh
	run "trace styles: brief collapses, full keeps, json parses" sh tests/trace_styles.sh
	run "reproducible runs: the same output every run, and on tmpfs and ext4 with --fs" sh tests/reproducible.sh
	run "mmkit exec: riscv64 programs vs the host and qemu-riscv64" sh tests/rv/run.sh
	run "mmkit exec: the trace styles and the view" sh tests/rv/trace.sh
	run "mmkit bench --short" build/mmkit bench --short
	run "mmkit bench options" sh tests/bench_args.sh
	run "the command: --version, did you mean, help, warnings, no files left behind" sh tests/cli.sh
fi
if [ -x tests/fuzz/run.sh ] && command -v clang >/dev/null 2>&1; then
	run "parser libFuzzer (30 s)" sh tests/fuzz/run.sh 30
fi
run "layers: no call from a file up into a higher layer" python3 scripts/callgraph.py
run "callgraph.py finds an upward call, a circle and a file outside the layer folders" sh tests/callgraph.sh
run "clang-format: the formatted files stay formatted" sh scripts/format-check.sh
rm -f "$log"
if [ -n "$failures" ]; then
	echo "== what failed"
	echo "$failures" | sed '/^$/d'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
