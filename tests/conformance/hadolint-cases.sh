#!/bin/sh
# hadolint's own rule test cases (../shared/conformance/hadolint/rule-cases.json, GPL-3.0 test data
# read at test time and never copied here) run through `kguard dockerfile`, for every DL code a
# kguard rule names as its peer. A case agrees when kguard's mapped rule fires on a `catch` case
# (exactly once for ONBUILD variants, as hadolint's harness requires) and stays silent on a `pass`
# case. Deliberate differences are listed with their reason in hadolint-divergences.txt; a listed
# case that starts to agree fails too, so the list stays true.
set -u
here=$(cd "$(dirname "$0")" && pwd)
K=${KGUARD:-./kguard}
case "$K" in /*) ;; *) K=$(pwd)/$K ;; esac
data="$here/../../../shared/conformance/hadolint/rule-cases.json"
[ -f "$data" ] || data="$here/../../shared/conformance/hadolint/rule-cases.json"
if [ ! -f "$data" ]; then echo "hadolint-cases: rule-cases.json not found"; echo "hadolint-cases: 0 passed, 1 failed"; exit 1; fi
exec python3 - "$K" "$data" "$here/hadolint-divergences.txt" "${VERBOSE:-0}" <<'PY'
import json, os, re, shutil, subprocess, sys, tempfile, collections
kg, data, divfile, verbose = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
cases = json.load(open(data))
rules = json.loads(subprocess.run([kg, "rules", "--format", "json"], capture_output=True, text=True, check=True).stdout)
dl2ids = collections.defaultdict(list)
for r in rules:
    for p in (r.get("peers") or "").split():
        if p.startswith("hadolint:"):
            dl2ids[p[9:]].append(r["id"])
divergent = {}
for line in open(divfile):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    code, where, reason = line.split(None, 2)
    divergent[(code, where)] = reason

def onbuild(text):
    out, cont = [], False
    for l in text.split("\n"):
        if not cont and re.match(r"\s*run\b", l, re.I):
            l = "ONBUILD " + l.lstrip()
        out.append(l)
        cont = l.rstrip().endswith("\\")
    return "\n".join(out)

tmp = tempfile.mkdtemp(prefix="kg-hadolint-")
jobs = collections.defaultdict(list)   # config text -> [(index, path)]
for i, c in enumerate(cases):
    if c["rule"] not in dl2ids:
        continue
    text = c["dockerfile"] + "\n"
    if c["onbuild"]:
        text = onbuild(text)
    d = os.path.join(tmp, "case%04d" % i)
    os.mkdir(d)
    path = os.path.join(d, "Dockerfile")
    open(path, "w").write(text)
    conf = ""
    if not c["default_config"]:
        m = re.search(r"allowedRegistries\s*=\s*\[(.*?)\]", c["config"])
        if m:
            regs = re.findall(r'"([^"]*)"', m.group(1))
            conf = "trustedRegistries:\n" + "".join("  - '%s'\n" % r for r in regs)
    jobs[conf].append((i, path))

found = collections.defaultdict(collections.Counter)  # case index -> rule id -> count
crashed = []
for conf, items in jobs.items():
    args = [kg, "dockerfile", "-f", "json"]
    if conf:
        cfg = os.path.join(tmp, "hadolint-%d.yaml" % len(conf))
        open(cfg, "w").write(conf)
        args += ["--hadolint-config", cfg]
    else:
        args += ["--no-hadolint-config"]
    byfile = {p: i for i, p in items}
    for k in range(0, len(items), 400):
        chunk = items[k:k + 400]
        p = subprocess.run(args + [path for _, path in chunk], capture_output=True, text=True)
        if p.returncode not in (0, 1, 2) or p.stderr.strip():
            crashed.append((chunk[0][1], p.returncode, p.stderr[-2000:]))
            continue
        for f in json.loads(p.stdout)["findings"]:
            found[byfile[f["file"]]][f["rule"]] += 1

stats = collections.OrderedDict()
agree = documented = failed = 0
problems = []
for i, c in enumerate(cases):
    code = c["rule"]
    if code not in dl2ids:
        continue
    n = sum(found[i][r] for r in dl2ids[code])
    ok = (n == 1 if c["onbuild"] else n >= 1) if c["expect"] == "catch" else n == 0
    where = "%s:%d%s" % (c["file"], c["line"], ":onbuild" if c["onbuild"] else "")
    s = stats.setdefault(code, [0, 0, 0])
    s[0] += 1
    listed = (code, where) in divergent
    if ok and not listed:
        s[1] += 1; agree += 1
    elif not ok and listed:
        s[2] += 1; documented += 1
    else:
        failed += 1
        problems.append("%s %s expect=%s got=%d%s: %r" % (code, where, c["expect"], n,
                        " (listed as divergent but agrees)" if listed else "", c["dockerfile"][:300]))
for fname, rc, err in crashed:
    failed += 1
    problems.append("kguard failed (exit %d) on a batch starting at %s: %s" % (rc, fname, err))
unmapped = sorted(set(c["rule"] for c in cases) - set(dl2ids))
print("hadolint rule cases by DL code (cases, agree, documented divergences):")
for code, (n, a, d) in sorted(stats.items()):
    print("  %s %-40s %3d %3d %3d" % (code, ",".join(dl2ids[code]), n, a, d))
total = sum(s[0] for s in stats.values())
print("agreement: %d of %d cases (%.1f%%), %d documented divergences; %d codes not mapped: %s"
      % (agree, total, 100.0 * agree / max(total, 1), documented, len(unmapped), " ".join(unmapped)))
for p in problems[:200 if verbose else 40]:
    print("  FAIL " + p)
shutil.rmtree(tmp, ignore_errors=True)
print("hadolint-cases: %d passed, %d failed" % (agree + documented, failed))
sys.exit(1 if failed else 0)
PY
