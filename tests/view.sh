#!/bin/sh
# tests/view.sh - `mmkit run --html` (and `mmkit exec --html`) in a real
# browser: renders generated
# pages in headless Chromium (Debian's package, scripts/deps.sh), reads the
# DOM the page's script built (--dump-dom) and fails on any console message
# (--enable-logging=stderr logs each as "CONSOLE").
#
# The expectations are written by hand from what the scripts do, not taken
# from mmkit's output:
#   examples/four_kinds.mm at the fork (statement 10, line 12): P and Q each
#   have the four mappings; the private anonymous page P stored into is one
#   frame mapped by both, copy-on-write, mapcount 2; P's shared anonymous
#   page (shmem) is present, and Q's shared anonymous VMA maps the same
#   shmem object, its PTE not yet made (fork does not copy the page tables
#   of shared mappings: Q faults the page in when it touches it); after
#   line 16 (Q stores into it) both map that same frame, mapcount 2.
#   A file name with < & " ' is shown as text, never as markup; one with a
#   byte that is not UTF-8 shows it as U+FFFD.
#   A 100,000-page mapping (the first 10,000 written, page 50,000 read:
#   the zero page) is drawn as 256 bins of 391 pages, not 100,000 cells,
#   and its page stays small.
# Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
mmkit=build/mmkit
passed=0
failed=0
work=$(mktemp -d /tmp/mmkit-view.XXXXXX)
trap 'rm -rf "$work"' EXIT

ok() { echo "ok $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
check() { # NAME COMMAND...: passes when the command succeeds
	name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "FAIL chromium is not installed (scripts/deps.sh installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi

# dom URL OUT: the DOM after the page's script ran, into OUT; console
# messages into OUT.log.  Fails if Chromium fails.
dom() {
	profile=$(mktemp -d "$work/profile.XXXXXX")
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" --enable-logging=stderr --v=0 \
		--dump-dom "$1" >"$2" 2>"$2.log"
}

# no_console LOG: no console message (error, warning or log) in Chromium's log.
no_console() {
	if grep -E 'CONSOLE|Uncaught' "$1"; then return 1; fi
	return 0
}

# section DOM NAME: the part of the DOM for process NAME, one tag a line.
section() {
	tr '<' '\n' <"$1" | awk -v p="section class=\"proc\" data-proc=\"$2\">" '
		index($0, p) == 1 { on = 1; next }
		/^section / || /^\/section>/ { on = 0 }
		on'
}

# vma_pages SECTION PERMS LABEL: the page tags of the VMA with those perms and label.
vma_pages() {
	awk -v v="data-perms=\"$2\" data-label=\"$3\"" '
		/^div class="vma"/ { on = index($0, v) > 0; next }
		on && /^span class="pg/' "$1"
}

same() { # A B: A is not empty and equals B
	[ -n "$1" ] && [ "$1" = "$2" ]
}

has() { # TEXT PATTERN: whether a line of TEXT matches PATTERN
	printf '%s\n' "$1" | grep -q "$2"
}

attr() { # NAME: the value of attribute NAME in each tag line of stdin
	sed -n "s/.* $1=\"\\([^\"]*\\)\".*/\\1/p"
}

# ---- four_kinds.mm at the fork ------------------------------------------
mkdir -p "$work/run"
if ! "$mmkit" run --dir "$work/run" --html "$work/four.html" examples/four_kinds.mm >"$work/four.out"; then
	bad "mmkit run --html examples/four_kinds.mm"
fi
check "--html leaves the printed output as it was" sh -c \
	"'$mmkit' run --dir '$work/run' examples/four_kinds.mm | cmp -s - '$work/four.out'"

dom "file://$work/four.html#step=10" "$work/fork.dom" || bad "chromium rendered the fork step"
check "fork step: no console message" no_console "$work/fork.dom.log"
check "fork step: #step=10 shows statement 10, line 12" \
	grep -q '<div id="step" data-step="10" data-line="12">' "$work/fork.dom"
section "$work/fork.dom" P >"$work/P"
section "$work/fork.dom" Q >"$work/Q"
for p in P Q; do
	check "fork step: $p has the four mappings" sh -c "
		grep -c '^div class=\"vma\"' '$work/$p' | grep -qx 4 &&
		grep -q 'data-perms=\"rw-p\" data-label=\"f.txt\"' '$work/$p' &&
		grep -q 'data-perms=\"rw-s\" data-label=\"f.txt\"' '$work/$p' &&
		grep -q 'data-perms=\"rw-p\" data-label=\"\" data-object=\"00:00 0\"' '$work/$p' &&
		grep -q 'data-perms=\"rw-s\" data-label=\"/dev/zero (deleted)\"' '$work/$p'"
	check "fork step: $p's private file mapping is not touched yet" \
		has "$(vma_pages "$work/$p" rw-p f.txt)" 'data-state="none"'
	check "fork step: $p's shared file mapping is not touched yet" \
		has "$(vma_pages "$work/$p" rw-s f.txt)" 'data-state="none"'
done
cowP=$(vma_pages "$work/P" rw-p "")
cowQ=$(vma_pages "$work/Q" rw-p "")
check "fork step: P's private anonymous page is copy-on-write, mapcount 2" \
	has "$cowP" 'data-state="cow" data-pfn="[0-9][0-9]*" data-mapcount="2"'
check "fork step: Q's is copy-on-write, mapcount 2" \
	has "$cowQ" 'data-state="cow" data-pfn="[0-9][0-9]*" data-mapcount="2"'
pfnP=$(echo "$cowP" | attr data-pfn)
pfnQ=$(echo "$cowQ" | attr data-pfn)
check "fork step: ...and both are the same frame" same "$pfnP" "$pfnQ"
shmP=$(vma_pages "$work/P" rw-s "/dev/zero (deleted)")
shmQ=$(vma_pages "$work/Q" rw-s "/dev/zero (deleted)")
objP=$(grep 'data-label="/dev/zero (deleted)"' "$work/P" | attr data-object)
objQ=$(grep 'data-label="/dev/zero (deleted)"' "$work/Q" | attr data-object)
check "fork step: P's shared anonymous page is present (a shmem frame)" \
	has "$shmP" 'data-pfn="[0-9][0-9]*" data-mapcount="1"'
check "fork step: Q's shared anonymous VMA maps the same shmem object" \
	same "$objP" "$objQ"
check "fork step: ...whose page Q has not faulted in yet" has "$shmQ" 'data-state="none"'
dom "file://$work/four.html#step=10&frame=$pfnP" "$work/hl.dom" || bad "chromium rendered a frame highlighted"
check "fork step: highlighting the copy-on-write frame marks both processes and both pages" sh -c "
	tr '<' '\n' <'$work/hl.dom' >'$work/hl.tags' &&
	grep -q '^section class=\"proc hl\" data-proc=\"P\"' '$work/hl.tags' &&
	grep -q '^section class=\"proc hl\" data-proc=\"Q\"' '$work/hl.tags' &&
	[ \$(grep -c 'data-pfn=\"$pfnP\" .*' '$work/hl.tags') -eq 2 ] &&
	[ \$(grep -c '^span class=\"pg st-cow hl\"' '$work/hl.tags') -eq 2 ]"
check "fork step: f.txt's page is in the page cache" \
	grep -q '<div class="file" data-path="f.txt">' "$work/fork.dom"
check "fork step: the counters are drawn" \
	grep -q '<tr data-name="pgfault"' "$work/fork.dom"

dom "file://$work/four.html#line=16" "$work/shm.dom" || bad "chromium rendered line 16"
check "line 16: no console message" no_console "$work/shm.dom.log"
section "$work/shm.dom" P >"$work/P16"
section "$work/shm.dom" Q >"$work/Q16"
shmP=$(vma_pages "$work/P16" rw-s "/dev/zero (deleted)")
shmQ=$(vma_pages "$work/Q16" rw-s "/dev/zero (deleted)")
check "line 16: P's shmem page is shared, mapcount 2" \
	has "$shmP" 'data-state="shared" data-pfn="[0-9][0-9]*" data-mapcount="2"'
check "line 16: Q's too" has "$shmQ" 'data-state="shared" data-pfn="[0-9][0-9]*" data-mapcount="2"'
pfnP=$(echo "$shmP" | attr data-pfn)
pfnQ=$(echo "$shmQ" | attr data-pfn)
check "line 16: ...and both are one frame" same "$pfnP" "$pfnQ"
check "line 16: the trace of Q's store is listed" sh -c \
	"tr '<' '\n' <'$work/shm.dom' | grep -q '^li>page fault: write'"

# ---- mmkit exec --html -----------------------------------------------------
# examples/c/parent_child_anon.c maps 4K of shared anonymous memory and
# forks: at the clone's step both processes are drawn, each with that
# shared mapping of the same shmem object; the page says its steps are
# system calls.  (Needs `make rv-progs`.)
if [ -x build/rv-progs/parent_child_anon ]; then
	(cd build/rv-progs && "../mmkit" exec --html "$work/exec.html" ./parent_child_anon >/dev/null) ||
		bad "mmkit exec --html parent_child_anon"
	# the clone's step: the one whose first output line is the clone call
	n=$(python3 -c '
import json, re, sys
s = open(sys.argv[1]).read()
d = json.loads(re.search(r"id=.mmkit-data.>(.*?)</script>", s, re.S).group(1))
print([i + 1 for i, st in enumerate(d["steps"]) if " clone(" in st["out"][0]][0])
' "$work/exec.html")
	dom "file://$work/exec.html#step=$n" "$work/exec.dom" || bad "chromium rendered the exec view"
	check "exec view: no console message" no_console "$work/exec.dom.log"
	check "exec view: its steps are system calls" \
		grep -q "<span id=\"count\" data-unit=\"system call\">system call $n of " "$work/exec.dom"
	section "$work/exec.dom" "pid 1" >"$work/E1"
	section "$work/exec.dom" "pid 2" >"$work/E2"
	o1=$(grep 'data-perms="rw-s" data-label="/dev/zero (deleted)"' "$work/E1" | attr data-object)
	o2=$(grep 'data-perms="rw-s" data-label="/dev/zero (deleted)"' "$work/E2" | attr data-object)
	check "exec view: at the clone, parent and child map the same shared anonymous object" same "$o1" "$o2"
	# glibc's fork passes CLONE_CHILD_SETTID: clone stores the child's tid
	# into the child's copy of a page it shares with its parent
	check "exec view: the step's trace is listed (clone's copy-on-write in the child)" sh -c \
		"tr '<' '\n' <'$work/exec.dom' | grep -q '^li>pid 2 pc 0x[0-9a-f]* in clone: copy-on-write at 0x[0-9a-f]*: copied an anonymous page shared with pid 1 '"
else
	bad "build/rv-progs/parent_child_anon is missing (make rv-progs)"
fi

# ---- escaping ------------------------------------------------------------
cat >"$work/esc.mm" <<'EOF'
file "<img src=x onerror=alert(1)>&amp;\"q'.txt" text="x"
spawn P
P: fd = open "<img src=x onerror=alert(1)>&amp;\"q'.txt" rdonly
P: m = mmap 0 4K read shared fd 0
P: load m 1
file "bad\xffname\x01.txt" text="y"
EOF
mkdir -p "$work/esc"
"$mmkit" run --dir "$work/esc" --html "$work/esc.html" "$work/esc.mm" >/dev/null ||
	bad "mmkit run --html of a script with a strange file name"
dom "file://$work/esc.html#step=6" "$work/esc.dom" || bad "chromium rendered the strange name"
check "strange name: no console message" no_console "$work/esc.dom.log"
check "strange name: no element made from it" sh -c "! grep -q '<img' '$work/esc.dom'"
check "strange name: shown as text, attribute-escaped" \
	grep -q 'data-path="&lt;img src=x onerror=alert(1)&gt;&amp;amp;&quot;q'"'"'.txt"' "$work/esc.dom"

check "strange name: a control byte and a byte that is not UTF-8: parsed, shown with U+FFFD" \
	grep -q "data-path=\"bad$(printf '\357\277\275')name" "$work/esc.dom"

# ---- a big address space -------------------------------------------------
cat >"$work/big.mm" <<'EOF'
spawn P
P: a = mmap 0 400000K read|write private|anonymous|noreserve
P: touch a 40000K write
P: touch a+200000K 4K read
EOF
mkdir -p "$work/big"
"$mmkit" run --dir "$work/big" --html "$work/big.html" "$work/big.mm" >/dev/null ||
	bad "mmkit run --html of a 100,000-page mapping"
check "100,000 pages: the data stays small (runs)" \
	sh -c "[ \$(wc -c <'$work/big.html') -lt 200000 ]"
dom "file://$work/big.html#step=4" "$work/big.dom" || bad "chromium rendered 100,000 pages"
check "100,000 pages: no console message" no_console "$work/big.dom.log"
check "100,000 pages: drawn as 256 bins, dirty then not present" sh -c "
	tr '<' '\n' <'$work/big.dom' >'$work/big.tags' &&
	[ \$(grep -c '^span class=\"bin' '$work/big.tags') -eq 256 ] &&
	grep -m1 '^span class=\"bin' '$work/big.tags' | grep -q 'data-state=\"dirty\"' &&
	grep '^span class=\"bin' '$work/big.tags' | tail -n 1 | grep -q 'data-state=\"none\"' &&
	! grep -q '^span class=\"pg' '$work/big.tags'"
check "100,000 pages: the one zero-page read among 391 pages still shows (a partial bin)" \
	sh -c "grep '^span class=\"bin st-zero partial\"' '$work/big.tags' | grep -q 'data-first=\"49657\"'"

dom "file://$work/big.html#step=4&zoom=P.0.127" "$work/zoom.dom" || bad "chromium rendered a zoomed bin"
check "100,000 pages zoomed into bin 127: no console message" no_console "$work/zoom.dom.log"
check "100,000 pages zoomed into bin 127: its 391 pages, page 50,000 the zero page" sh -c "
	tr '<' '\n' <'$work/zoom.dom' >'$work/zoom.tags' &&
	[ \$(grep -c '^span class=\"pg' '$work/zoom.tags') -eq 391 ] &&
	grep -q '^span class=\"pg st-none\" data-page=\"49657\"' '$work/zoom.tags' &&
	grep -q '^span class=\"pg st-zero\" data-page=\"50000\" data-state=\"zero\"' '$work/zoom.tags'"

# ---- refusals ------------------------------------------------------------
check "--html with the Linux backend is refused (status 2)" sh -c \
	"'$mmkit' run --backend linux --html '$work/x.html' examples/four_kinds.mm 2>/dev/null; [ \$? -eq 2 ]"
check "--html into a directory that does not exist fails (status 1)" sh -c \
	"'$mmkit' run --dir '$work/run' --html '$work/no/such/x.html' examples/four_kinds.mm >/dev/null 2>&1; [ \$? -eq 1 ]"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
