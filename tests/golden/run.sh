#!/bin/sh
# Golden tests: each folder under tests/golden/ holds `cmd` (one shell command line using $KGUARD,
# run inside the folder), `out` (expected standard output) and `rc` (expected exit code), and may
# hold `err` (expected standard error). UPDATE_GOLDEN=1 rewrites the expectations from the current
# behaviour (review the diff before committing).
set -u
here=$(cd "$(dirname "$0")" && pwd)
KGUARD=$(cd "$(dirname "${KGUARD:-./kguard}")" && pwd)/$(basename "${KGUARD:-./kguard}")
export KGUARD NO_COLOR=1
passed=0; failed=0
for dir in "$here"/*/; do
	[ -f "$dir/cmd" ] || continue
	name=$(basename "$dir")
	out=$(mktemp); err=$(mktemp)
	(cd "$dir" && sh ./cmd >"$out" 2>"$err"); rc=$?
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$out" "$dir/out"; echo "$rc" > "$dir/rc"
		[ -f "$dir/err" ] && cp "$err" "$dir/err"
	fi
	ok=1
	if ! diff -u "$dir/out" "$out" > "$out.diff" 2>&1; then ok=0; echo "golden $name: stdout differs"; head -40 "$out.diff"; fi
	if [ "$(cat "$dir/rc" 2>/dev/null)" != "$rc" ]; then ok=0; echo "golden $name: exit $rc, expected $(cat "$dir/rc" 2>/dev/null)"; fi
	if [ -f "$dir/err" ] && ! diff -u "$dir/err" "$err" > "$err.diff" 2>&1; then ok=0; echo "golden $name: stderr differs"; head -20 "$err.diff"; fi
	[ $ok = 1 ] && passed=$((passed + 1)) || failed=$((failed + 1))
	rm -f "$out" "$err" "$out.diff" "$err.diff"
done
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
