#!/bin/sh
# Pod Security Admission conformance: every fixture of kubernetes/pod-security-admission
# (../shared/conformance/psa/<level>/v1.<minor>/<pass|fail>/*.yaml, see its SOURCE.md) is scanned
# with `kguard scan --level <level> --pss-version v1.<minor>`, one run per folder.
#   pass/*.yaml: no pss.* finding at all;
#   fail/*.yaml: at least one pss.* finding, and one from the check the file was written for
#                (file prefix -> check ID, with SOURCE.md's overrides in restricted), whose
#                message contains PSA's expectErrorSubstring for that check.
# Also fails on load errors and when the scan did not see every file. Needs jq; the judging is
# psa_judge.awk. PSA_VERBOSE=1 lists the checks found for every fail fixture.
# Prints "psa: N passed, N failed" (N = fixture files) and exits non-zero on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
KGUARD=${KGUARD:-$root/kguard}
case $KGUARD in /*) ;; *) KGUARD=$(pwd)/$KGUARD ;; esac
data=${PSA_DATA:-$root/../shared/conformance/psa}
verbose=${PSA_VERBOSE:-0}

if ! command -v jq >/dev/null 2>&1; then
	echo "psa: jq not found (apt-get install jq)"; echo "psa: 0 passed, 1 failed"; exit 1
fi
if [ ! -x "$KGUARD" ] || [ ! -d "$data" ]; then
	echo "psa: missing $KGUARD or $data"; echo "psa: 0 passed, 1 failed"; exit 1
fi

passed=0; failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

fail() { # file reason
	failed=$((failed + 1))
	echo "psa: FAIL $1: $2"
}

for leveldir in "$data"/baseline "$data"/restricted; do
	level=$(basename "$leveldir")
	for verdir in "$leveldir"/v1.*; do
		[ -d "$verdir" ] || continue
		ver=$(basename "$verdir"); minor=${ver#v1.}
		for outcome in pass fail; do
			dir=$verdir/$outcome
			[ -d "$dir" ] || continue
			"$KGUARD" scan --level "$level" --pss-version "$ver" -f json --fail-on none "$dir" >"$tmp/out.json" 2>"$tmp/err"
			rc=$?
			if [ $rc -ne 0 ] || ! jq -e '.errors | length == 0' "$tmp/out.json" >/dev/null 2>&1; then
				for f in "$dir"/*.yaml; do fail "$f" "scan exited $rc or reported errors: $(head -c 300 "$tmp/err")"; done
				continue
			fi
			# one line per pss finding: <file base name> TAB <check ID> TAB <message>
			jq -r '.findings[] | select(.rule | startswith("pss.")) |
				[(.file | split("/") | last), (.rule | ltrimstr("pss.")), (.message | gsub("[\t\n]"; " "))] | @tsv' \
				"$tmp/out.json" >"$tmp/findings"
			(cd "$dir" && ls) | grep '\.yaml$' >"$tmp/files"
			seen=$(jq '.summary.files' "$tmp/out.json"); n=$(wc -l <"$tmp/files")
			if [ "$seen" != "$n" ]; then
				while read -r f; do fail "$dir/$f" "kguard scanned $seen files, the folder has $n"; done <"$tmp/files"
				continue
			fi
			awk -F '\t' -v level="$level" -v minor="$minor" -v outcome="$outcome" -v dir="$dir" \
				-v verbose="$verbose" -f "$here/psa_judge.awk" "$tmp/findings" "$tmp/files" >"$tmp/verdict"
			grep -v '^PASS' "$tmp/verdict" | grep -v '^psa: ok' | head -50
			[ "$verbose" = 1 ] && grep '^psa: ok' "$tmp/verdict"
			p=$(grep -c '^PASS' "$tmp/verdict")
			passed=$((passed + p)); failed=$((failed + n - p))
		done
	done
done

echo "psa: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
