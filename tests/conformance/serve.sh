#!/bin/sh
# kguard serve as the API server uses it, on loopback only: real AdmissionReview bodies (allow,
# deny, warn, patch, UPDATE, dryRun, exemptions, CONNECT, v1beta1), every kind of bad input,
# slow clients, certificate rotation, policy reloads, graceful SIGTERM, and a bounded soak with
# the server's memory checked at the end. The cases live in tests/serve/serve_test.py.
# Prints "serve: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
KGUARD=${KGUARD:-$root/kguard}
case "$KGUARD" in /*) ;; *) KGUARD="$root/$KGUARD" ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
KGUARD="$KGUARD" WORK="$work" SOAK_SECONDS="${SOAK_SECONDS:-10}" exec python3 "$root/tests/serve/serve_test.py"
