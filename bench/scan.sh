#!/bin/bash
# Scan benchmark (`make bench`): kguard scan -f json (every rule, report to /dev/null) against a
# libyaml parse-only baseline (bench/parse_only.c), over every manifest of ../shared/corpus
# (.yaml/.yml/.json, hidden folders included: the files are passed explicitly, in one process).
# Prints wall and CPU seconds (user+sys), files/s, MB/s and peak RSS for both, and the ratios;
# also the same scan with every finding dropped by a policy (what the report costs) and with
# every rule family off (what reading and parsing into the typed tree costs: the floor). kguard
# skips libyaml's reader for clean input (src/core/yaml_input.h); the goal is against the stock
# parse-only, and the ratio against a parse-only that skips the reader too is printed beside it.
#
# Environment: KGUARD (default ./kguard), CORPUS (default ../shared/corpus), RUNS (default 5),
# BENCH_STRICT=1 to exit 1 when a goal is missed. Goals: CPU ratio <= 1.5, peak RSS <= 32 MiB.
# Re-runnable: builds into build/bench/, writes nothing else.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
K=${KGUARD:-$root/kguard}
[[ $K == /* ]] || K=$PWD/$K
CORPUS=$(cd "${CORPUS:-$root/../shared/corpus}" && pwd)
RUNS=${RUNS:-5}
CC=${CC:-cc}
out=$root/build/bench
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[[ -x $K ]] || { echo "bench: no kguard at $K (make kguard, or set KGUARD)" >&2; exit 2; }

# the baseline, built with the project's warnings
$CC -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wwrite-strings -Wformat=2 -Wcast-qual -Wimplicit-fallthrough \
	-o "$out/parse_only" "$root/bench/parse_only.c" -lyaml
# the same through kguard's bypass of libyaml's reader (src/core/yaml_input.h), as kguard parses
$CC -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wwrite-strings -Wformat=2 -Wcast-qual -Wimplicit-fallthrough \
	-DPARSE_ONLY_BYPASS -I"$root/src" -o "$out/parse_only_bypass" "$root/bench/parse_only.c" \
	"$root/src/core/yaml_input.c" "$root/src/util/utf8.c" -lyaml
# the timer: CPU seconds to the microsecond (/usr/bin/time rounds them to 10 ms)
$CC -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wpedantic -o "$out/cputime" "$root/bench/cputime.c"

mapfile -d '' files < <(find "$CORPUS" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 | LC_ALL=C sort -z)
nfiles=${#files[@]}
(( nfiles > 0 )) || { echo "bench: no manifests under $CORPUS" >&2; exit 2; }
bytes=$(cat "${files[@]}" | wc -c)

# kguard must see every file in one run (its summary counts them)
set +e
"$K" scan --no-policy -f json "${files[@]}" > "$tmp/report.json" 2> "$tmp/report.err"
rc=$?
set -e
if (( rc > 2 )); then
	echo "bench: kguard scan failed (exit $rc):" >&2
	head -5 "$tmp/report.err" >&2
	exit 2
fi
seen=$(sed -n 's/^    "files": \([0-9]*\),$/\1/p' "$tmp/report.json")
findings=$(sed -n 's/^    "findings": \([0-9]*\),$/\1/p' "$tmp/report.json")
errors=$(sed -n 's/^    "errors": \([0-9]*\),$/\1/p' "$tmp/report.json")
if [[ $seen != "$nfiles" ]]; then
	echo "bench: kguard scanned $seen files, expected $nfiles" >&2
	exit 2
fi

# once NAME CMD...: one timed run; appends "wall cpu rss_kib" to $tmp/NAME
once() {
	local name=$1
	shift
	"$out/cputime" "$tmp/$name" "$@" > /dev/null 2>> "$tmp/$name.err" || true
}

# median of column C of file F
median() {
	sort -g -k "$2,$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { m = int((NR + 1) / 2); if (NR % 2) print v[m]; else printf "%.3f\n", (v[m] + v[m + 1]) / 2 }'
}
maxcol() {
	awk -v c="$2" 'BEGIN { m = 0 } $c > m { m = $c } END { print m }' "$1"
}

# The same scan with every finding dropped by a policy: every rule still runs (an exemption of
# every object from every rule drops the findings one by one), nothing is reported. The
# difference to the full run is the cost of the report itself.
printf 'exemptions:\n  - rules: ["*"]\n    namespaces: ["*"]\n    reason: benchmark\n' > "$tmp/all-exempt.yaml"
quiet=0
if "$K" scan --policy "$tmp/all-exempt.yaml" -f json "${files[@]}" > "$tmp/quiet.json" 2> /dev/null &&
	grep -q '^    "findings": 0,$' "$tmp/quiet.json"; then
	quiet=1
fi
# The floor: a policy that turns every rule off but the document checks (yaml.*), so no rule
# family runs: reading, splitting, libyaml, the typed tree and duplicate keys.
printf 'rules:\n  "*": off\n  "yaml.*": on\n' > "$tmp/load-only.yaml"
load=0
if "$K" scan --policy "$tmp/load-only.yaml" -f json "${files[@]}" > "$tmp/load.json" 2> /dev/null; (( $? <= 1 )); then
	load=1
fi

# warm the page cache so all start from the same state
cat "${files[@]}" > /dev/null
# RUNS rounds, each running every command once: on a shared machine the load then weighs on all
# of them alike, and the medians compare
: > "$tmp/parse"; : > "$tmp/kguard"; : > "$tmp/quiet"; : > "$tmp/load"; : > "$tmp/bypass"
for ((i = 0; i < RUNS; i++)); do
	once parse "$out/parse_only" "${files[@]}"
	once bypass "$out/parse_only_bypass" "${files[@]}"
	once kguard "$K" scan --no-policy -f json "${files[@]}"
	(( quiet )) && once quiet "$K" scan --policy "$tmp/all-exempt.yaml" -f json "${files[@]}"
	(( load )) && once load "$K" scan --policy "$tmp/load-only.yaml" -f json "${files[@]}"
done

echo "kguard scan benchmark: $nfiles files, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB ($CORPUS)"
echo "$RUNS runs each, medians; CPU = user+sys; peak RSS = the largest of the runs"
echo "kguard: $("$K" version 2>/dev/null || echo '?'); report: $findings findings, $errors errors (exit $rc)"
echo
printf '%-28s %8s %8s %10s %8s %12s\n' "" "wall s" "CPU s" "files/s" "MB/s" "peak RSS"
declare -A CPU WALL RSS
names="kguard"
(( quiet )) && names+=" quiet"
(( load )) && names+=" load"
names+=" parse bypass"
for name in $names; do
	wall=$(median "$tmp/$name" 1)
	cpu=$(median "$tmp/$name" 2)
	rss=$(maxcol "$tmp/$name" 3)
	label="kguard scan -f json"
	[[ $name == quiet ]] && label="  same, findings dropped (*)"
	[[ $name == load ]] && label="  loader only (**)"
	[[ $name == parse ]] && label="parse_only (libyaml events)"
	[[ $name == bypass ]] && label="  same, reader bypassed (***)"
	awk -v l="$label" -v w="$wall" -v c="$cpu" -v r="$rss" -v n="$nfiles" -v b="$bytes" 'BEGIN {
		t = c > 0 ? c : 0.001
		printf "%-28s %8.3f %8.3f %10.0f %8.1f %8.1f MiB\n", l, w, c, n / t, b / 1e6 / t, r / 1024 }'
	CPU[$name]=$cpu WALL[$name]=$wall RSS[$name]=$rss
done
echo "(files/s and MB/s per CPU second)"
(( quiet )) && echo "(*) every rule runs, a policy drops every finding: the scan without the cost of the report"
(( load )) && echo "(**) a policy turns off every rule but yaml.*: no rule family runs (read, split, parse, typed tree)"
echo "(***) parse_only reading each file whole and skipping libyaml's reader as kguard does (src/core/yaml_input.h)"
echo
ratio=$(awk -v a="${CPU[kguard]}" -v b="${CPU[parse]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
wratio=$(awk -v a="${WALL[kguard]}" -v b="${WALL[parse]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
rss_mib=$(awk -v r="${RSS[kguard]}" 'BEGIN { printf "%.1f", r / 1024 }')
ok_ratio=$(awk -v r="$ratio" 'BEGIN { print ((r <= 1.5) ? "met" : "MISSED") }')
ok_rss=$(awk -v r="$rss_mib" 'BEGIN { print ((r <= 32) ? "met" : "MISSED") }')
echo "ratio kguard/parse-only: CPU $ratio (goal <= 1.5: $ok_ratio), wall $wratio"
# On a shared VM whole runs sometimes land on a slowed CPU (here: ~1.5x, for minutes at a time), so
# the two medians can come from different conditions. Two steadier views: the median of each
# round's own ratio (the kguard and parse-only runs of one round are seconds apart), and the
# ratio of the fastest runs.
paired=$(paste "$tmp/kguard" "$tmp/parse" | awk '$5 > 0 { print $2 / $5 }' | sort -g |
	awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); if (NR % 2) printf "%.2f", v[m]; else printf "%.2f", (v[m] + v[m + 1]) / 2 }')
best=$(awk -v a="$(sort -g -k2,2 "$tmp/kguard" | awk 'NR == 1 { print $2 }')" \
	-v b="$(sort -g -k2,2 "$tmp/parse" | awk 'NR == 1 { print $2 }')" 'BEGIN { printf "%.2f (%.3f / %.3f s)", (b > 0 ? a / b : 0), a, b }')
echo "  median of the $RUNS rounds' own CPU ratios: $paired; fastest runs: $best"
echo "ratio against parse-only with the reader bypassed (kguard's own work beyond parsing): CPU $(awk -v a="${CPU[kguard]}" -v b="${CPU[bypass]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
if (( quiet )); then
	echo "ratio without the report: CPU $(awk -v a="${CPU[quiet]}" -v b="${CPU[parse]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'), peak RSS $(awk -v r="${RSS[quiet]}" 'BEGIN { printf "%.1f", r / 1024 }') MiB"
fi
if (( load )); then
	echo "ratio of the loader alone: CPU $(awk -v a="${CPU[load]}" -v b="${CPU[parse]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'), peak RSS $(awk -v r="${RSS[load]}" 'BEGIN { printf "%.1f", r / 1024 }') MiB"
fi
echo "kguard peak RSS: $rss_mib MiB (goal <= 32 MiB: $ok_rss)"
# One large input: a stream of 20,000 small Deployments on stdin (as `helm template` of a large
# chart gives), the report flushed per document, so memory stays bounded by the largest document.
one=$CORPUS/argo-cd/applicationset/examples/template-override/engineering-dev-override/guestbook-ui-deployment.yaml
if [[ -f $one ]]; then
	for ((i = 0; i < 20000; i++)); do printf -- '---\n'; done | awk -v f="$one" '
		BEGIN { while ((getline l < f) > 0) doc = doc l "\n" } { printf "%s%s", $0 "\n", doc }' > "$tmp/stream.yaml"
	"$out/cputime" "$tmp/stream" "$K" scan --no-policy -f json - < "$tmp/stream.yaml" > /dev/null 2>&1 || true
	read -r _ scpu srss < "$tmp/stream"
	awk -v c="$scpu" -v r="$srss" -v b="$(wc -c < "$tmp/stream.yaml")" 'BEGIN {
		printf "one input of 20,000 Deployments on stdin (%.1f MB): CPU %.3f s, peak RSS %.1f MiB\n", b / 1e6, c, r / 1024 }'
fi
if command -v hyperfine > /dev/null; then
	# wall-clock spread from hyperfine; the file list goes through xargs in one invocation
	printf '%s\0' "${files[@]}" > "$tmp/files"
	max=$(( $(getconf ARG_MAX) - 131072 ))
	if [[ $(xargs -0 -s "$max" -a "$tmp/files" sh -c 'echo "$#"' sh | wc -l) == 1 ]]; then
		echo
		hyperfine --style basic --warmup 1 --runs "$RUNS" -i -N \
			-n "kguard scan -f json" "xargs -0 -s $max -a $tmp/files $K scan --no-policy -f json" \
			-n "parse_only" "xargs -0 -s $max -a $tmp/files $out/parse_only" 2>&1 |
			grep -Ev '^\s*$|Warning|non-zero exit|--ignore-failure' || true
	fi
fi
if [[ ${BENCH_STRICT:-0} == 1 && ($ok_ratio != met || $ok_rss != met) ]]; then
	exit 1
fi
exit 0
