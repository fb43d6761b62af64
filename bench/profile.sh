#!/bin/bash
# Where kguard scan spends its time on the benchmark corpus: perf (sampling, call graphs) when it
# can record, else callgrind (slower: 25x or more). Prints the top functions by self time.
# Environment: KGUARD (default ./kguard), CORPUS (default ../shared/corpus), TOP (default 30).
# Build with frame pointers for better call graphs:
#   make O=build-prof CFLAGS="-O2 -g -fno-omit-frame-pointer" build-prof/kguard
#   KGUARD=build-prof/kguard bench/profile.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
K=${KGUARD:-$root/kguard}
[[ $K == /* ]] || K=$PWD/$K
CORPUS=$(cd "${CORPUS:-$root/../shared/corpus}" && pwd)
TOP=${TOP:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mapfile -d '' files < <(find "$CORPUS" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 | LC_ALL=C sort -z)
echo "profile: kguard scan -f json over ${#files[@]} files of $CORPUS"

if command -v perf > /dev/null && perf record -q -o "$tmp/probe.data" true > /dev/null 2>&1; then
	perf record -q -F 4000 -g -o "$tmp/perf.data" "$K" scan -f json "${files[@]}" > /dev/null 2> "$tmp/err" || true
	echo "self time by function (perf, all samples including kernel and libraries):"
	perf report -i "$tmp/perf.data" --no-children --stdio --sort dso,symbol -g none 2> /dev/null |
		grep -E '^ +[0-9.]+%' | sed 's/ *- *- *$//' | head -n "$TOP"
	echo
	echo "self time grouped by library:"
	perf report -i "$tmp/perf.data" --no-children --stdio --sort dso -g none 2> /dev/null |
		grep -E '^ +[0-9.]+%' | sed 's/ *- *- *$//' | head -n 10
elif command -v valgrind > /dev/null; then
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$K" scan -f json "${files[@]}" > /dev/null 2> "$tmp/err" || true
	echo "instructions by function (callgrind, self):"
	callgrind_annotate --threshold=99 "$tmp/cg.out" 2> /dev/null | sed -n '/Ir/,$p' | head -n "$((TOP + 3))"
else
	echo "profile: neither perf nor valgrind is available (Debian packages: linux-perf, valgrind)" >&2
	exit 2
fi
