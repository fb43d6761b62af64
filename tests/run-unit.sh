#!/bin/sh
# Run every unit-test binary given; print the totals; fail when any test failed.
passed=0; failed=0; broken=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	p=$(printf '%s' "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/'); f=$(printf '%s' "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	if [ -z "$line" ]; then
		printf '%s\n' "$out"; echo "unit: $t crashed or printed no result (exit $rc)"; broken=$((broken + 1)); continue
	fi
	[ "$rc" -ne 0 ] && printf '%s\n' "$out"
	passed=$((passed + p)); failed=$((failed + f))
done
echo "unit: $passed passed, $((failed + broken)) failed"
[ "$failed" -eq 0 ] && [ "$broken" -eq 0 ]
