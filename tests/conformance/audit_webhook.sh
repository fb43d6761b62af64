#!/bin/sh
# The audit webhook as the API server uses it, on loopback only: TLS 1.2+ with a throw-away
# certificate, EventList batches (small ones and 10 MiB ones), bad bodies (invalid JSON, truncated,
# invalid UTF-8, deeply nested, not audit events, over the cap, wrong method or content type),
# certificate rotation, SIGUSR1 summary, graceful SIGTERM; then a bounded soak of good and bad
# bodies with the server's memory checked at the end (RSS must stop growing).
# Prints "audit_webhook: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
KGUARD=${KGUARD:-$root/kguard}
case "$KGUARD" in /*) ;; *) KGUARD="$root/$KGUARD" ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KGUARD WORK="$work" DATA="$root/../shared/conformance/falco-k8saudit" SOAK_SECONDS="${SOAK_SECONDS:-15}"
exec python3 - <<'EOF'
import json, os, signal, socket, ssl, subprocess, sys, time, http.client, warnings
warnings.filterwarnings("ignore")

kg, work, data = os.environ["KGUARD"], os.environ["WORK"], os.environ["DATA"]
passed = failed = 0
def check(ok, what):
    global passed, failed
    if ok: passed += 1
    else:
        failed += 1
        print("FAIL " + what)

def mkcert(name, cn):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key",
                    "-out", name + ".crt", "-days", "1", "-subj", "/CN=" + cn,
                    "-addext", "subjectAltName=IP:127.0.0.1"], cwd=work, check=True, capture_output=True)
mkcert("a", "kguard-a")
mkcert("b", "kguard-b")
import shutil
shutil.copy(os.path.join(work, "a.crt"), os.path.join(work, "tls.crt"))
shutil.copy(os.path.join(work, "a.key"), os.path.join(work, "tls.key"))

s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
alerts = open(os.path.join(work, "alerts.json"), "w")
errf = open(os.path.join(work, "err.txt"), "w")
# Under AddressSanitizer freed memory sits in a quarantine; keep it small so that growth still shows.
asan = b"AddressSanitizer" in open(kg, "rb").read()
env = dict(os.environ)
if asan:
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=4:thread_local_quarantine_size_kb=64"
proc = subprocess.Popen([kg, "audit", "--listen", "127.0.0.1:%d" % port, "--tls-cert", os.path.join(work, "tls.crt"),
                         "--tls-key", os.path.join(work, "tls.key"), "--format", "json",
                         "--rules", os.path.join(data, "rules/k8s_audit_rules.yaml")], stdout=alerts, stderr=errf, env=env)
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close(); break
    except OSError:
        time.sleep(0.05)

ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
conn = None
def post(body, ctype="application/json", method="POST", path="/k8s-audit"):
    global conn
    for attempt in range(2):
        try:
            if conn is None:
                conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
            conn.request(method, path, body=body, headers={"Content-Type": ctype})
            r = conn.getresponse(); r.read()
            if r.getheader("Connection", "").lower() == "close":
                conn.close(); conn = None
            return r.status
        except (ConnectionError, http.client.HTTPException, ssl.SSLError, OSError):
            conn = None
    return -1

def event(i, stage="ResponseComplete"):
    return json.loads(open(os.path.join(data, "traces/create_nginx_pod_privileged.json")).readline())

priv = json.loads(open(os.path.join(data, "traces/create_nginx_pod_privileged.json")).readline())
batch = json.dumps({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "items": [priv, priv]}).encode()
check(post(batch) == 200, "EventList batch accepted")
check(post(json.dumps(priv).encode()) == 200, "single Event accepted")
check(post(b"{not json") == 400, "invalid JSON -> 400")
check(post(batch[:len(batch) // 2]) == 400, "truncated batch -> 400")
check(post(b'{"kind":"Event","user":{"username":"\xff\xfe"}}') == 400, "invalid UTF-8 -> 400")
check(post(b"[" * 100000 + b"]" * 100000) == 400, "deeply nested -> 400")
check(post(b'{"kind":"Pod"}') == 400, "not an audit event -> 400")
check(post(batch, ctype="text/plain") == 415, "wrong content type -> 415")
check(post(None, method="GET") == 405, "GET -> 405")
check(post(None, method="GET", path="/healthz") == 200, "health endpoint")
# over the cap: refused from Content-Length before the body is sent...
def status_for_length(n):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw) as t:
            t.sendall(b"POST /k8s-audit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % n)
            return int(t.recv(200).split(b" ")[1])
check(status_for_length(13 << 20) == 413, "13 MiB Content-Length -> 413 before reading")
# ...and cut while streaming when the length is not announced (chunked)
def chunks():
    for _ in range(13):
        yield b" " * (1 << 20)
c2 = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
try:
    c2.request("POST", "/k8s-audit", body=chunks(), headers={"Content-Type": "application/json"}, encode_chunked=True)
    st = c2.getresponse().status
except (ConnectionError, OSError):
    st = -1
c2.close()
check(st == 413, "13 MiB chunked body -> 413 (got %d)" % st)
# a 10 MiB EventList (the API server's default max batch size) of real events
big_items, size = [], 0
while size < (10 << 20) - 8000:
    big_items.append(priv); size += len(json.dumps(priv)) + 1
big = json.dumps({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "items": big_items}).encode()
t0 = time.time()
check(post(big) == 200, "10 MiB EventList accepted")
print("10 MiB batch: %d events in %.2f s" % (len(big_items), time.time() - t0))

# TLS: 1.2 and 1.3 accepted, 1.1 refused
def handshake(maxv, minv=None):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.check_hostname = False; c.verify_mode = ssl.CERT_NONE
    if minv: c.minimum_version = minv
    c.maximum_version = maxv
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with c.wrap_socket(raw) as t:
                return t.getpeercert(binary_form=True)
    except (ssl.SSLError, OSError):
        return None
check(handshake(ssl.TLSVersion.TLSv1_2) is not None, "TLS 1.2 accepted")
check(handshake(ssl.TLSVersion.TLSv1_3) is not None, "TLS 1.3 accepted")
try:
    check(handshake(ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1_1) is None, "TLS 1.1 refused")
except ValueError:
    pass

# rotation: replace the files, the next handshakes present the new certificate
def cert_cn():
    der = handshake(ssl.TLSVersion.TLSv1_3)
    return b"kguard-b" in der if der else None
check(cert_cn() is False, "serving certificate a")
time.sleep(1.1)
shutil.copy(os.path.join(work, "b.key"), os.path.join(work, "tls.key.new"))
shutil.copy(os.path.join(work, "b.crt"), os.path.join(work, "tls.crt.new"))
os.rename(os.path.join(work, "tls.key.new"), os.path.join(work, "tls.key"))
os.rename(os.path.join(work, "tls.crt.new"), os.path.join(work, "tls.crt"))
time.sleep(1.1)
ok = False
for _ in range(10):
    if cert_cn():
        ok = True; break
    time.sleep(0.3)
check(ok, "certificate rotated without restart")

def rss_kb():
    for line in open("/proc/%d/status" % proc.pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1

# soak: good and bad bodies, bounded in time; RSS must level off
bad = [b"{not json", batch[:len(batch) // 3], b'{"kind":"Event","x":"\xc3\x28"}', b"[" * 5000, b'{"kind":"EventList","items":7}', b'[1,2,3]']
deadline = time.time() + float(os.environ["SOAK_SECONDS"])
n = codes_ok = 0
rss_mid = None
half = time.time() + float(os.environ["SOAK_SECONDS"]) / 2
while time.time() < deadline and n < 200000:
    body = batch if n % 3 == 0 else bad[n % len(bad)]
    code = post(body)
    codes_ok += code == (200 if n % 3 == 0 else 400)
    n += 1
    if n % 1000 == 0:
        post(big)
        # compare like with like: both samples right after a 10 MiB batch
        if rss_mid is None and time.time() > half:
            rss_mid = rss_kb()
post(big)
rss_end = rss_kb()
check(codes_ok == n, "soak: %d of %d answers as expected" % (codes_ok, n))
print("soak: %d requests, RSS %d KiB at half time, %d KiB at the end" % (n, rss_mid or -1, rss_end))
check(rss_mid is not None and rss_end <= rss_mid * 1.10 + 4096, "RSS stops growing (%s -> %d KiB)" % (rss_mid, rss_end))
check(rss_end < (512 if asan else 256) * 1024, "RSS under %d MiB after 10 MiB batches (%d KiB)" % (512 if asan else 256, rss_end))

proc.send_signal(signal.SIGUSR1)
time.sleep(0.5)
if conn: conn.close()
proc.send_signal(signal.SIGTERM)
try:
    rc = proc.wait(timeout=20)
except subprocess.TimeoutExpired:
    proc.kill(); rc = -9
alerts.close(); errf.close()
err = open(os.path.join(work, "err.txt")).read()
check(rc in (1, 2), "graceful exit on SIGTERM (rc %d)" % rc)
check(err.count("Events detected:") >= 2, "summary on SIGUSR1 and on exit")
check("TLS certificate reloaded" in err, "rotation logged")
lines = open(os.path.join(work, "alerts.json")).read().splitlines()
check(len(lines) >= 3 + len(big_items) and all(json.loads(l)["rule"] == "Create Privileged Pod" for l in lines),
      "alerts: one per privileged-pod event (%d)" % len(lines))
print("audit_webhook: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
EOF
