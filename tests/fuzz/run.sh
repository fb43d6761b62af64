#!/bin/sh
# Run each libFuzzer target for a bounded time over its seed corpus (tests/fuzz/seeds/NAME/ if it
# exists). A crash, leak, timeout or sanitizer report fails the run.
set -u
secs=$1; shift
status=0
for bin in "$@"; do
	name=$(basename "$bin")
	seeds="tests/fuzz/seeds/$name"
	work=$(mktemp -d)
	[ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 "$work" >"$work.log" 2>&1; then
		echo "fuzz $name: ok ($(grep -c . "$work.log") log lines, $(grep -o 'stat::number_of_executed_units: [0-9]*' "$work.log" | tail -n1))"
	else
		echo "fuzz $name: FAILED"; tail -40 "$work.log"; status=1
	fi
	rm -rf "$work" "$work.log"
done
exit $status
