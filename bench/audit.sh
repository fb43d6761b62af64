#!/bin/sh
# make bench-audit: generate N realistic audit events (default 1,000,000: mixed verbs and
# resources, 45% with request/response objects of 1-5 KB), run the upstream k8s_audit rules plus
# kguard's pack over them on one core, and print events/s, MB/s and peak RSS. Then the same with a
# rule that never matches, to separate parsing (the loader) from rule evaluation.
#
# env: KGUARD (binary), GEN (generator), EVENTS, BENCH_DIR (where the file goes; ~1.7 GB for 1M),
#      KEEP=1 to keep the file.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
KGUARD=${KGUARD:-$root/kguard}
GEN=${GEN:-$root/build/bench/gen_audit}
EVENTS=${EVENTS:-1000000}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}}
rules="$root/../shared/conformance/falco-k8saudit/rules/k8s_audit_rules.yaml"
file="$dir/kguard-bench-audit-$EVENTS.jsonl"
[ -f "$file" ] || { echo "generating $EVENTS events into $file"; "$GEN" "$EVENTS" > "$file"; }
bytes=$(wc -c < "$file")
never="$dir/kguard-bench-never.yaml"
printf -- '- rule: never\n  desc: matches nothing\n  condition: ka.verb=kguard-bench-nothing\n  output: o\n  priority: DEBUG\n  source: k8s_audit\n' > "$never"
cpu=$(nproc)
run() { # label, rules options...
	label=$1; shift
	out=$(mktemp)
	# one core: taskset when available; wall and CPU time both reported (the machine may be shared)
	pin=""; command -v taskset >/dev/null 2>&1 && pin="taskset -c $((cpu - 1))"
	/usr/bin/time -f '%e %U %S %M' -o "$out" $pin "$KGUARD" audit -q "$@" "$file" > /dev/null || true
	read -r wall user sys rss <<EOF
$(tail -n 1 "$out")
EOF
	rm -f "$out"
	awk -v l="$label" -v n="$EVENTS" -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
		c = u + s; if (c <= 0) c = 0.001; if (w <= 0) w = 0.001;
		printf "%-28s %9.0f events/s %7.1f MB/s (CPU time %.2f s)   %9.0f events/s (wall %.2f s)   peak RSS %.1f MiB\n",
		       l, n / c, b / c / 1e6, c, n / w, w, r / 1024 }'
}
echo "input: $EVENTS events, $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB, %.0f bytes/event", b / 1e6, b / '"$EVENTS"' }')"
run "upstream + kguard rules" --rules "$rules" --rules "$root/rules/kguard_audit_rules.yaml"
run "parse only (no match)" --rules "$never"
[ "${KEEP:-0}" = 1 ] || rm -f "$file"
rm -f "$never"
