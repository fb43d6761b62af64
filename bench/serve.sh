#!/bin/sh
# kguard serve under load on loopback: wrk POSTs a realistic Deployment AdmissionReview (~6 KB,
# with managedFields, probes, resources, two containers) to /validate over HTTPS keep-alive
# connections. Prints requests/s, p50, p99, errors and the server's peak RSS; then a longer run
# samples RSS every 10 s to show it stays flat.
#   KGUARD=build/kguard bench/serve.sh          (BENCH_SECONDS=30, SOAK_SECONDS=60, CONNS=16)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
KGUARD=${KGUARD:-$root/kguard}
SECS=${BENCH_SECONDS:-30}
SOAK=${SOAK_SECONDS:-60}
CONNS=${CONNS:-16}
THREADS=${SERVE_THREADS:-1}
command -v wrk >/dev/null || { echo "bench-serve: wrk is missing (apt-get install wrk)" >&2; exit 2; }
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/tls.key" \
	-out "$work/tls.crt" -days 1 -subj /CN=bench -addext subjectAltName=IP:127.0.0.1 2>/dev/null
python3 - "$work/body.json" <<'PY'
import json, sys
c = lambda name, image: {
    "name": name, "image": image, "imagePullPolicy": "IfNotPresent",
    "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
    "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
    "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10},
    "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 5},
    "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "runAsNonRoot": True,
                        "runAsUser": 10001, "capabilities": {"drop": ["ALL"]}},
    "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]}
dep = {"apiVersion": "apps/v1", "kind": "Deployment",
       "metadata": {"name": "checkout", "namespace": "shop", "labels": {"app": "checkout", "team": "payments"},
                    "annotations": {"deployment.kubernetes.io/revision": "7"},
                    "managedFields": [{"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "apps/v1",
                                       "time": "2024-05-01T10:00:00Z", "fieldsType": "FieldsV1",
                                       "fieldsV1": {"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
                                           "k:{\"name\":\"%s\"}" % n: {".": {}, "f:image": {}, "f:name": {}, "f:ports": {}, "f:resources": {}}
                                           for n in ("checkout", "envoy")}}}}}}]},
       "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "checkout"}},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                "template": {"metadata": {"labels": {"app": "checkout", "team": "payments"}},
                             "spec": {"serviceAccountName": "checkout", "automountServiceAccountToken": False,
                                      "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
                                      "containers": [c("checkout", "registry.example.com/shop/checkout:2.4.1"),
                                                     c("envoy", "registry.example.com/mesh/envoy:1.29.2")],
                                      "volumes": [{"name": "tmp", "emptyDir": {}}]}}}}
review = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
          "request": {"uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
                      "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
                      "resource": {"group": "apps", "version": "v1", "resource": "deployments"},
                      "requestKind": {"group": "apps", "version": "v1", "kind": "Deployment"},
                      "requestResource": {"group": "apps", "version": "v1", "resource": "deployments"},
                      "name": "checkout", "namespace": "shop", "operation": "UPDATE",
                      "userInfo": {"username": "system:serviceaccount:argocd:argocd-application-controller",
                                   "uid": "1f1a", "groups": ["system:serviceaccounts", "system:serviceaccounts:argocd", "system:authenticated"]},
                      "object": dep, "oldObject": dep, "dryRun": False,
                      "options": {"apiVersion": "meta.k8s.io/v1", "kind": "UpdateOptions", "fieldManager": "argocd-controller"}}}
open(sys.argv[1], "w").write(json.dumps(review))
PY
cat > "$work/post.lua" <<LUA
local f = io.open("$work/body.json", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
LUA
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$KGUARD" serve --listen 127.0.0.1:$port --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" \
	--threads "$THREADS" 2> "$work/serve.log" &
pid=$!
for _ in $(seq 50); do curl -skf https://127.0.0.1:$port/healthz >/dev/null 2>&1 && break; sleep 0.1; done
rss() { awk -v k="$1:" '$1 == k { print $2 }' /proc/$pid/status; }
check=$(curl -sS -k -H 'Content-Type: application/json' --data-binary @"$work/body.json" https://127.0.0.1:$port/validate)
echo "$check" | grep -q '"allowed":true' || { echo "bench-serve: the body was not admitted: $check" >&2; exit 1; }
echo "body: $(wc -c < "$work/body.json") bytes (Deployment UPDATE, admitted); server threads: $THREADS; machine: $(nproc) cores"
wrk -t1 -c1 -d2s -s "$work/post.lua" https://127.0.0.1:$port/validate >/dev/null  # warm-up
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$work/post.lua" https://127.0.0.1:$port/validate > "$work/wrk.txt"
rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.txt")
p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")
p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")
errs=$(awk '/Non-2xx|Socket errors/ { print }' "$work/wrk.txt")
echo "validate, $CONNS connections, ${SECS}s: $rps requests/s, p50 $p50, p99 $p99, errors: ${errs:-none}, peak RSS $(rss VmHWM) KiB"
echo "RSS over a ${SOAK}s run at $CONNS connections (KiB, every 10 s):"
wrk -t2 -c"$CONNS" -d"${SOAK}s" -s "$work/post.lua" https://127.0.0.1:$port/validate > "$work/soak.txt" &
wpid=$!
samples=""
t=0
while [ $t -lt "$SOAK" ]; do sleep 10; t=$((t + 10)); samples="$samples $(rss VmRSS)"; done
wait $wpid
echo " $samples (peak $(rss VmHWM)); $(awk '/Requests\/sec/ { print $2 }' "$work/soak.txt") requests/s, $(awk '/Non-2xx|Socket errors/ { print }' "$work/soak.txt" | tr '\n' ' ')"
[ -z "$errs" ]
