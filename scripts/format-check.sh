#!/bin/sh
# scripts/format-check.sh - fails if clang-format (Debian's, version 14:
# .clang-format's options are read as it reads them) would change a C file
# of the tree: src/, include/, tools/, tests/, examples/.  PENDING below
# may list files not yet reformatted, which are skipped (none is: a file
# may leave the list, none may join it).  Ends with "N passed, N failed"
# (tests/run.sh).
#
#   sh scripts/format-check.sh          check
#   sh scripts/format-check.sh FILE...  check only these
cd "$(dirname "$0")/.." || exit 2
CF=${CLANG_FORMAT:-}
if [ -z "$CF" ]; then
	for c in clang-format-14 clang-format; do
		command -v "$c" >/dev/null 2>&1 && CF=$c && break
	done
fi
if [ -z "$CF" ]; then
	echo "format-check: no clang-format (scripts/deps.sh installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi
case "$("$CF" --version)" in
*" 14."*) ;;
*) echo "format-check: $CF is not version 14: $("$CF" --version)" ;;
esac

PENDING="
"

if [ $# -gt 0 ]; then
	files="$*"
else
	files=$(git ls-files 'src/*.[ch]' 'include/*.[ch]' 'tools/*.[ch]' 'tests/*.[ch]' 'examples/*.[ch]' 2>/dev/null)
	[ -n "$files" ] || files=$(find src include tools tests examples -name '*.[ch]' | sort)
fi
bad=0
checked=0
for f in $files; do
	case "$PENDING" in *"
$f
"*) continue ;; esac
	checked=$((checked + 1))
	if ! "$CF" --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "format-check: $f differs from clang-format (run: $CF -i $f)"
		bad=$((bad + 1))
	fi
done
echo "format-check: $checked files checked, $bad differ"
if [ $bad -eq 0 ]; then
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed"
fi
[ $bad -eq 0 ]
