#!/bin/sh
# Regenerate the numbers of docs/agreement.md: kguard against the labelled Kyverno and Gatekeeper
# examples in ../shared/corpus. Usage: bench/agreement.sh [KGUARD] (default ./kguard); writes the
# table to stdout and into docs/agreement.md (between its markers), and the disagreements to
# bench/agreement-details.tsv. The prose of docs/agreement.md is written by hand: re-read it when
# the numbers move.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/agreement.py" --kguard "${1:-$here/../kguard}" --corpus "$here/../../shared/corpus" \
	--details "$here/agreement-details.tsv" --doc "$here/../docs/agreement.md"
