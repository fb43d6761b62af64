#!/bin/sh
# SARIF conformance: kguard's SARIF for several inputs must be valid against the SARIF 2.1.0 JSON
# schemas (Ajv: the SARIF SDK's copy and 2.1.0-rtm.5), pass the GitHub code scanning checks of
# tests/sarif/validate.js, and pass the SARIF SDK multitool's validator (its SARIF rules and its
# GitHub ingestion rules, errors and warnings). A deliberately broken log must be rejected by both
# validators, so the suite cannot pass by validating nothing.
# The validators come from npm (tests/sarif/package.json); they are installed into
# tests/sarif/node_modules on first use with `npm ci`.
# Prints "sarif: N passed, N failed"; exits 1 when anything failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
sarif_dir=$root/tests/sarif
K=${KGUARD:-$root/kguard}
case $K in /*) ;; *) K=$(pwd)/$K ;; esac
shared=$root/../shared
passed=0
failed=0

finish() {
	rm -rf "$tmp"
	echo "sarif: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

tmp=$(mktemp -d)
if [ ! -x "$K" ]; then
	echo "sarif: no kguard binary at $K (set KGUARD)"
	failed=1
	finish
fi

mt=$sarif_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -f "$mt" ] || [ ! -d "$sarif_dir/node_modules/ajv" ] || [ ! -d "$sarif_dir/node_modules/@microsoft/jest-sarif" ] ||
   [ ! -d "$sarif_dir/node_modules/ajv-draft-04" ] || [ ! -d "$sarif_dir/node_modules/ajv-formats" ]; then
	if ! (cd "$sarif_dir" && npm ci --no-audit --no-fund --loglevel=error >"$tmp/npm.log" 2>&1); then
		cat "$tmp/npm.log"
		echo "sarif: npm ci in tests/sarif failed (node and npm are needed)"
		failed=1
		finish
	fi
fi
chmod u+x "$mt" 2>/dev/null # npm may skip the package's postinstall that does this

# ---- inputs ----
in=$tmp/in
mkdir -p "$in/odd dir" "$in/clean"
cat > "$in/dup.yaml" <<'EOF'
apiVersion: example.com/v1
kind: Widget
metadata:
  name: first
  name: second
spec:
  size: 1
EOF
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n' > "$in/bad.yaml"
cat > "$in/clean/ok.yaml" <<'EOF'
apiVersion: example.com/v1
kind: Widget
metadata:
  name: fine
spec:
  size: 2
EOF
cp "$in/dup.yaml" "$in/odd dir/caf\303\251 #1 100%.yaml"
# a key with a control character, a quote, a backslash and non-ASCII text: escaping must hold
cat > "$in/escapes.yaml" <<'EOF'
apiVersion: example.com/v1
kind: Widget
metadata:
  name: "w\"\\"
spec:
  "k\u0001\u001b[31m\u00e9": 1
  "k\u0001\u001b[31m\u00e9": 2
EOF
cat > "$tmp/negative.sarif" <<'EOF'
{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "kguard"}},
 "results": [{"ruleId": "x", "message": {}, "locations": [{"physicalLocation":
 {"artifactLocation": {"uri": "a b"}, "region": {"startLine": 0}}}]}], "bogus": 1}]}
EOF

# name | accepted exit codes | command (run from the repo root; output goes to $tmp/NAME.sarif)
cases=$tmp/cases
cat > "$cases" <<EOF
examples|1|"\$K" scan -f sarif examples/
errors|2|"\$K" scan -f sarif "$in/dup.yaml" "$in/bad.yaml" "$in/missing.yaml"
clean|0|"\$K" scan -f sarif "$in/clean"
stdin|1|"\$K" scan -f sarif - < "$in/dup.yaml"
absolute-odd-names|1|"\$K" scan -f sarif "$in/odd dir"
relative|1|cd "$in" && "\$K" scan -f sarif ./dup.yaml clean/ok.yaml
escapes|1|"\$K" scan -f sarif "$in/escapes.yaml"
gitops-notes|1|"\$K" scan -f sarif tests/golden/scan-gitops-layout/repo
helm-rendered-stdin|2|"\$K" scan -f sarif - < tests/golden/scan-helm-rendered/rendered.yaml
kustomize-origin-stdin|1|"\$K" scan -f sarif - < tests/golden/scan-kustomize-origin/built.yaml
gitops-notes-errors|2|"\$K" scan -f sarif tests/golden/scan-gitops-layout/repo "$in/bad.yaml"
corpus-kubernetes-examples|0 1 2|"\$K" scan -f sarif "$shared/corpus/kubernetes-examples"
corpus-microservices-demo|0 1 2|"\$K" scan -f sarif "$shared/corpus/microservices-demo"
corpus-ingress-nginx|0 1 2|"\$K" scan -f sarif "$shared/corpus/ingress-nginx"
corpus-relative-cert-manager|0 1 2|"\$K" scan -f sarif ../shared/corpus/cert-manager
EOF

files=""
ok_cases=""
while IFS='|' read -r name codes cmd; do
	(cd "$root" && eval "$cmd") > "$tmp/$name.sarif" 2> "$tmp/$name.err"
	rc=$?
	good=0
	for c in $codes; do [ "$rc" = "$c" ] && good=1; done
	if [ $good = 0 ]; then
		echo "sarif $name: kguard exited $rc, expected one of: $codes"
		head -5 "$tmp/$name.err"
		failed=$((failed + 1))
		continue
	fi
	files="$files $tmp/$name.sarif"
	ok_cases="$ok_cases $name"
done < "$cases"

# ---- validators: Ajv schemas + GitHub checks, then the SARIF SDK multitool ----
# shellcheck disable=SC2086
node "$sarif_dir/validate.js" $files "$tmp/negative.sarif" > "$tmp/ajv.out" 2>&1
# shellcheck disable=SC2086
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$mt" validate $files "$tmp/negative.sarif" --rule-kind "Sarif;Gh;Ghas" --level "Error;Warning" \
	-o "$tmp/multitool.sarif" --log ForceOverwrite > "$tmp/mt.out" 2>&1
mt_rc=$?
if ! grep -q "Analysis completed successfully" "$tmp/mt.out"; then
	head -20 "$tmp/mt.out"
	echo "sarif: the SARIF multitool did not run (exit $mt_rc)"
	failed=$((failed + 1))
	finish
fi

for name in $ok_cases; do
	f=$tmp/$name.sarif
	ok=1
	if ! grep -qxF "ok $f" "$tmp/ajv.out"; then
		ok=0
		echo "sarif $name: schema/GitHub checks failed"
		awk -v f="FAIL $f:" '$0 == f { on = 1; next } /^(ok|FAIL) / { on = 0 } on' "$tmp/ajv.out" | head -12
	fi
	if grep -F "$f(" "$tmp/mt.out" | grep -Eq ': (error|warning) '; then
		ok=0
		echo "sarif $name: multitool reported:"
		grep -F "$f(" "$tmp/mt.out" | head -10
	fi
	[ $ok = 1 ] && passed=$((passed + 1)) || failed=$((failed + 1))
done

# the broken log must be rejected by both validators
neg=$tmp/negative.sarif
if grep -q "^FAIL $neg" "$tmp/ajv.out" && grep -F "$neg(" "$tmp/mt.out" | grep -q ': error '; then
	passed=$((passed + 1))
else
	echo "sarif negative-control: an invalid SARIF log was not rejected"
	failed=$((failed + 1))
fi
finish
