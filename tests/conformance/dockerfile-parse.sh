#!/bin/sh
# Dockerfile parser conformance: BuildKit's own parser test data (../shared/conformance/
# dockerfile-parser: AST dumps, files that must fail, line numbers, heredoc vectors) through
# `kguard dockerfile --ast`, and every Dockerfile of ../shared/dockerfiles parsed and checked
# without a crash (the few that `docker build` rejects must give exactly the expected errors).
# The shell-expansion vectors (shell/envVarTest, wordsTest) run in tests/unit/test_dockerfile_lex.c.
set -u
here=$(cd "$(dirname "$0")" && pwd)
K=${KGUARD:-./kguard}
case "$K" in /*) ;; *) K=$(pwd)/$K ;; esac
shared="$here/../../../shared"
[ -d "$shared/conformance" ] || shared="$here/../../shared"
exec python3 - "$K" "$shared" "${VERBOSE:-0}" <<'PY'
import json, os, subprocess, sys, tempfile
kg, shared, verbose = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
base = os.path.join(shared, "conformance", "dockerfile-parser")
passed = failed = 0
def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("  FAIL %s%s" % (what, (": " + detail) if detail else ""))
def run(*args, stdin=None):
    p = subprocess.run([kg, "dockerfile"] + list(args), capture_output=True, input=stdin)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")

# 1. AST dumps
d = os.path.join(base, "testfiles")
for case in sorted(os.listdir(d)):
    rc, out, err = run("--ast", os.path.join(d, case, "Dockerfile"))
    want = open(os.path.join(d, case, "result"), "rb").read()
    check(rc == 0 and out == want and not err, "testfiles/" + case,
          "exit %d, stderr %r, got %r" % (rc, err[:200], out[:300]))

# 2. files BuildKit's parser rejects, with its messages
negative = {
    "empty_dockerfile": ":1:1: error: file with no instructions",
    "env_no_value": ":3:1: error: ENV must have two arguments",
    "only_comments": ":3:1: error: file with no instructions",
    "shykes-nested-json": ":1:1: error: when using JSON array syntax, arrays must be comprised of strings only",
}
d = os.path.join(base, "testfiles-negative")
for case in sorted(os.listdir(d)):
    rc, out, err = run("--ast", os.path.join(d, case, "Dockerfile"))
    check(rc == 2 and negative.get(case, "?") in err, "testfiles-negative/" + case, "exit %d, stderr %r" % (rc, err))
check(set(os.listdir(d)) == set(negative), "testfiles-negative: the expected set of cases", str(sorted(os.listdir(d))))

# 3. line numbers (TestParseIncludesLineNumbers)
rc, out, err = run("--ast", "-f", "json", os.path.join(base, "testfile-line", "Dockerfile"))
lines = [[i["line"], i["endLine"]] for i in json.loads(out)[0]["instructions"]] if rc == 0 else None
check(lines == [[5, 5], [11, 12], [17, 31]], "testfile-line", str(lines))

# 4. heredoc vectors (TestParseExtractsHeredoc)
hv = json.load(open(os.path.join(base, "heredoc-vectors.json")))
rc, out, err = run("--ast", "-f", "json", "-", stdin=hv["dockerfile"].encode())
ins = json.loads(out)[0]["instructions"] if out else []
check(len(ins) == len(hv["expected_per_instruction"]) + 1, "heredoc-vectors: instruction count", "%d" % len(ins))
for i, exp in enumerate(hv["expected_per_instruction"]):
    got = ins[i + 1]["heredocs"] if i + 1 < len(ins) else None
    want = [{"name": h["Name"], "content": h["Content"], "expand": h.get("Expand", False),
             "chomp": h.get("Chomp", False), "fileDescriptor": h.get("FileDescriptor", 0)} for h in (exp or [])]
    g = [{k: h[k] for k in ("name", "content", "expand", "chomp", "fileDescriptor")} for h in got] if got is not None else None
    check(g == want, "heredoc-vectors: instruction %d" % (i + 2), "got %r want %r" % (g, want))

# 5. the Dockerfile corpus: every file parses; the full check never crashes
corpus = os.path.join(shared, "dockerfiles")
files = sorted(os.path.join(r, f) for r, _, fs in os.walk(corpus) for f in fs if f != "SOURCES.tsv")
check(len(files) == 254, "corpus: 254 Dockerfiles", str(len(files)))
parse_rejects = {  # BuildKit's own negative parser cases, kept verbatim in the corpus
    "buildkit/frontend/dockerfile/parser/testfiles-negative/empty_dockerfile/Dockerfile": "file with no instructions",
    "buildkit/frontend/dockerfile/parser/testfiles-negative/env_no_value/Dockerfile": "ENV must have two arguments",
    "buildkit/frontend/dockerfile/parser/testfiles-negative/only_comments/Dockerfile": "file with no instructions",
    "buildkit/frontend/dockerfile/parser/testfiles-negative/shykes-nested-json/Dockerfile": "arrays must be comprised of strings only",
    "checkov/tests/dockerfile/resources/empty_dockerfile/Dockerfile": "file with no instructions",
}
build_rejects = {  # parse, but `docker build` refuses them: test fixtures that are not buildable
    "buildkit/frontend/dockerfile/parser/testfiles/flags/Dockerfile": "unknown flag: doit",
    "buildkit/frontend/dockerfile/parser/testfiles/health/Dockerfile": "Unknown type \"CONNECT\" in HEALTHCHECK",
    "buildkit/frontend/dockerfile/parser/testfiles/env/Dockerfile": "looking for matching single-quote",
    "buildkit/frontend/dockerfile/parser/testfiles/escapes/Dockerfile": "looking for matching double-quote",
    "checkov/tests/dockerfile/checks/example_UpdateNotAlone/failure/Dockerfile": "unknown instruction: ~",
    "checkov/tests/secrets/resources/file_type/Dockerfile": "unknown instruction: ~",
    "checkov/tests/secrets/multiline_finding/Dockerfile.mine": "unknown instruction: Algolia",
    "checkov/tests/secrets/multiline_finding/Dockerfile.two_secrets": "unknown instruction: BEGIN_SECRET",
    "checkov/tests/dockerfile/checks/example_HealthcheckExists/failure/Dockerfile": "failed to process \"\\\"bar baz\": unexpected end of statement while looking for matching double-quote",
    "checkov/tests/dockerfile/checks/example_HealthcheckExists/success/Dockerfile": "failed to process \"\\\"bar baz\"",
    "checkov/tests/dockerfile/checks/example_UserExists/failure/Dockerfile": "failed to process \"\\\"bar baz\"",
    "checkov/tests/dockerfile/checks/example_UserExists/success/Dockerfile": "failed to process \"\\\"bar baz\"",
}
parsed = checked = 0
for f in files:
    rel = os.path.relpath(f, corpus)
    rc, out, err = run("--ast", f)
    if rel in parse_rejects:
        check(rc == 2 and parse_rejects[rel] in err, "corpus parse (expected rejection) " + rel, err[:300])
    else:
        check(rc == 0 and not err and out.startswith(b"("), "corpus parse " + rel, "exit %d %s" % (rc, err[:300]))
        parsed += rc == 0
    rc, out, err = run("-f", "json", "--no-policy", "--no-hadolint-config", f)
    try:
        rep = json.loads(out)
    except ValueError:
        rep = None
    ok = rep is not None and not err and rc in (0, 1, 2)
    if ok and rel not in parse_rejects and rel not in build_rejects:
        ok = rc in (0, 1) and not rep["errors"]
    if ok and rel in build_rejects:
        ok = rc == 2 and any(build_rejects[rel] in e["message"] for e in rep["errors"])
    check(ok, "corpus check " + rel, "exit %d stderr %r errors %r" % (rc, err[:300], rep and rep["errors"][:3]))
    checked += ok
print("corpus: %d of %d Dockerfiles parsed cleanly (%d are BuildKit/checkov negative parser cases), "
      "%d checked without a crash" % (parsed, len(files), len(parse_rejects), checked))
print("dockerfile-parse: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
