#!/bin/sh
# Regenerate the tables of docs/dockerfile-comparison.md: kguard, dockerfilelint and
# dockerfile-utils on every Dockerfile of ../shared/dockerfiles.
#   cd tests/dockerfile-peers && npm ci && KGUARD=../../build/kguard ./compare.sh
# Needs node and npm (Debian: nodejs npm) and python3. node_modules/ is not committed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
K=${KGUARD:-$root/kguard}
corpus=${CORPUS:-$root/../shared/dockerfiles}
[ -d "$here/node_modules/dockerfilelint" ] || { echo "run 'npm ci' in $here first" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find "$corpus" -type f ! -name SOURCES.tsv | LC_ALL=C sort > "$tmp/files"
start=$(date +%s%N)
# shellcheck disable=SC2046
"$K" dockerfile --no-policy --no-hadolint-config -f json $(cat "$tmp/files") > "$tmp/kguard.json" || true
kg_ms=$(( ($(date +%s%N) - start) / 1000000 ))
start=$(date +%s%N)
# shellcheck disable=SC2046
node "$here/peers.js" $(cat "$tmp/files") > "$tmp/peers.jsonl"
peers_ms=$(( ($(date +%s%N) - start) / 1000000 ))
python3 "$here/table.py" "$corpus" "$tmp/kguard.json" "$tmp/peers.jsonl" "$kg_ms" "$peers_ms" \
	"$(cd "$here" && node -e 'for (const p of ["dockerfilelint","dockerfile-utils"]) process.stdout.write(p + "@" + require(p + "/package.json").version + " ")')" \
	"$("$K" version 2>/dev/null | head -1)" > "$tmp/generated.md"
doc="$root/docs/dockerfile-comparison.md"
python3 - "$doc" "$tmp/generated.md" <<'PY'
import sys
doc, gen = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
a, b = "<!-- generated:start -->", "<!-- generated:end -->"
i, j = text.index(a), text.index(b)
open(doc, "w").write(text[:i + len(a)] + "\n" + gen + text[j:])
PY
echo "updated $doc"
