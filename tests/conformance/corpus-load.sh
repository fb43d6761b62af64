#!/bin/sh
# Loader conformance on the real-manifest corpus (../shared/corpus, see its SOURCES.md): every
# file is valid YAML/JSON whose documents are Kubernetes objects, so `kguard scan` must report no
# error for any of them (findings are fine), and must load exactly the number of documents that
# SOURCES.md counts. Files are passed explicitly, hidden folders (.chainsaw-test, ...) included.
# Prints "corpus-load: N passed, N failed" (one check per file, plus the document count).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${CORPUS:-$root/../shared/corpus}
KGUARD=${KGUARD:-$root/kguard}
case $KGUARD in /*) ;; *) KGUARD=$root/$KGUARD ;; esac
if [ ! -d "$corpus" ]; then
	echo "corpus-load: no corpus at $corpus"
	echo "corpus-load: 0 passed, 1 failed"
	exit 1
fi
out=$(mktemp)
list=$(mktemp)
trap 'rm -f "$out" "$list"' EXIT
(cd "$corpus" && find . -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | LC_ALL=C sort) > "$list"
# xargs may split the list: each kguard run prints one JSON report
(cd "$corpus" && tr '\n' '\0' < "$list" | xargs -0 "$KGUARD" scan --format json --fail-on none) > "$out"
status=$?
python3 - "$out" "$list" "$corpus/SOURCES.md" "$status" <<'EOF'
import json, re, sys
out, listing, sources, status = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
files = [l.rstrip("\n") for l in open(listing, encoding="utf-8") if l.strip()]
text = open(out, encoding="utf-8").read()
dec = json.JSONDecoder()
pos, reports = 0, []
while pos < len(text):
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    obj, pos = dec.raw_decode(text, pos)
    reports.append(obj)
bad = {}
docs = 0
seen_files = 0
for r in reports:
    docs += r["summary"]["documents"]
    seen_files += r["summary"]["files"]
    for e in r["errors"]:
        bad.setdefault(e["file"], []).append("%s:%s:%s: %s" % (e["file"], e["line"], e["column"], e["message"]))
passed = failed = 0
for f in files:
    if f in bad:
        failed += 1
        for m in bad[f][:3]:
            print("corpus-load: " + m)
    else:
        passed += 1
extra = [f for f in bad if f not in set(files)]
for f in extra:
    failed += 1
    print("corpus-load: unexpected error for %s: %s" % (f, bad[f][0]))
m = re.search(r"Total: ([0-9,]+) files, ([0-9,]+) YAML documents", open(sources, encoding="utf-8").read())
want_files = int(m.group(1).replace(",", "")) if m else None
want_docs = int(m.group(2).replace(",", "")) if m else None
# The document count and the file count must match SOURCES.md; kguard must exit 0 (--fail-on none).
for what, got, want in (("documents", docs, want_docs), ("files", seen_files, want_files), ("files listed", len(files), want_files)):
    if want is None or got != want:
        failed += 1
        print("corpus-load: %s loaded: %d, SOURCES.md says %s" % (what, got, want))
    else:
        passed += 1
if status != 0:
    failed += 1
    print("corpus-load: kguard exited %d" % status)
print("corpus-load: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
EOF
