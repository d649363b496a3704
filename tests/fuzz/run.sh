#!/bin/sh
# Builds the parser's libFuzzer harness and runs it for N seconds (default 60).
#   sh tests/fuzz/run.sh [SECONDS]
# Seeds: the example scripts under tests/scenarios/.  The working corpus and
# any crash files go to build/fuzz/ (never committed).  Exits non-zero if the
# fuzzer found a crash; the reproducer is build/fuzz/crash-*.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
out=build/fuzz
mkdir -p "$out/corpus"
# Every layer folder of src/ is on the include path, as in the Makefile.
srcinc=$(for d in src/*/; do printf ' -I%s' "${d%/}"; done)
# shellcheck disable=SC2086 # srcinc is one -I word per folder
${CLANG:-clang} -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude $srcinc -Itools/mmkit \
	-Wall -Wextra -Wno-unused-parameter -Wno-unused-function \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-o "$out/fuzz_script" tests/fuzz/fuzz_script.c
seeds=$(find tests/scenarios -name '*.mm' 2>/dev/null | head -500)
for f in $seeds; do cp "$f" "$out/corpus/$(echo "$f" | tr / _)"; done
exec "$out/fuzz_script" -max_total_time="$secs" -max_len=4096 -timeout=10 \
	-dict=tests/fuzz/script.dict -artifact_prefix="$out/" "$out/corpus"
