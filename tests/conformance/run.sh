#!/bin/sh
# Conformance suites against upstream data in ../shared/conformance (each script prints
# "NAME: N passed, N failed" and exits non-zero on failure).
set -u
here=$(cd "$(dirname "$0")" && pwd)
status=0
for s in "$here"/*.sh; do
	[ "$(basename "$s")" = run.sh ] && continue
	sh "$s" || status=1
done
exit $status
