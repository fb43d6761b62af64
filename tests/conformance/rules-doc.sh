#!/bin/sh
# docs/rules.md must be exactly `kguard rules --format markdown` (regenerate with `make rules-doc`).
# The comparison is also run on a copy with one line changed, which must be detected, so the suite
# cannot pass by comparing nothing.
# Prints "rules-doc: N passed, N failed"; exits 1 when anything failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
K=${KGUARD:-$root/kguard}
case $K in /*) ;; *) K=$(pwd)/$K ;; esac
doc=$root/docs/rules.md
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { passed=$((passed + 1)); }
ko() { failed=$((failed + 1)); echo "rules-doc: $*"; }

if "$K" rules --format markdown > "$tmp/gen.md" && [ -s "$tmp/gen.md" ]; then ok; else ko "kguard rules --format markdown failed"; fi
n=$("$K" rules --format json | grep -c '"id":')
if [ "$n" -gt 0 ] && [ "$(grep -c '^### `' "$tmp/gen.md")" -eq "$n" ]; then ok; else ko "markdown lists $(grep -c '^### `' "$tmp/gen.md") rules, the catalog $n"; fi
if [ ! -f "$doc" ]; then
	ko "docs/rules.md is missing (make rules-doc)"
elif diff -u "$doc" "$tmp/gen.md" > "$tmp/diff"; then
	ok
else
	ko "docs/rules.md is stale; run 'make rules-doc' (first differences below)"
	head -20 "$tmp/diff"
fi
# the check must be able to fail
sed '5s/$/ (edited)/' "$tmp/gen.md" > "$tmp/edited.md"
if cmp -s "$tmp/gen.md" "$tmp/edited.md"; then ko "self-test: the edited copy is identical"; elif diff -q "$tmp/edited.md" "$tmp/gen.md" >/dev/null; then ko "self-test: an edited copy compared equal"; else ok; fi
echo "rules-doc: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
