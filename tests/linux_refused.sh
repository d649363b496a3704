#!/bin/sh
# tests/linux_refused.sh - an operation the Linux backend's server refuses
# (it would touch the server's own memory, docs/CHECK.md "Hidden
# mappings") is reported once per Linux run: the transcript's "backend
# failed: -EFAULT", with no other message about it on stdout or stderr.
# Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
M=$PWD/build/mmkit
passed=0
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'spawn P\nP: munmap 0x400000 4096\n' >"$work/hidden.mm"

# $1 name, $2 how many reports are right, command...: counts the lines of
# stdout+stderr that speak of the refusal.
reports() {
	name=$1 want=$2
	shift 2
	"$@" >"$work/out" 2>&1
	n=$(grep -ciE 'refused an|backend failed' "$work/out")
	if [ "$n" -eq "$want" ]; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name: $n reports of the refusal, want $want:"
		sed 's/^/    /' "$work/out"
		failed=$((failed + 1))
	fi
}

reports "run --backend linux" 1 $M run --backend linux --dir "$work" "$work/hidden.mm"
reports "check" 1 $M check "$work/hidden.mm"
reports "check --self (two Linux runs, one report)" 1 $M check --self "$work/hidden.mm"

# Below the server's stack, an access grows the server's stack on Linux (a
# SIGSEGV on mmkit): refused too, in the process and in a forked one, 1 MiB
# and one page below the top of the stack as the server found it.
printf 'spawn P\nP: touch 0x7ffffff00000 4096 write\n' >"$work/stack.mm"
reports "an access below the server's stack" 1 $M run --backend linux --dir "$work" "$work/stack.mm"
printf 'spawn P\nfork P Q\nQ: touch 0x7ffffffdd000 4095 read\n' >"$work/stackfork.mm"
reports "an access below the server's stack, in a forked process" 1 \
	$M run --backend linux --dir "$work" "$work/stackfork.mm"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
