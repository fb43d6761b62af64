"""Integration tests of `kguard serve` (run by tests/conformance/serve.sh).

Starts the server on 127.0.0.1 with a throw-away certificate and POSTs real AdmissionReview
bodies the way the API server does. Every check can fail; the summary line is
"serve: N passed, N failed"."""
import base64, copy, json, os, signal, socket, ssl, subprocess, sys, time, http.client, shutil, warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jsonpatch_apply import apply_patch  # noqa: E402

warnings.filterwarnings("ignore")
KG, WORK = os.environ["KGUARD"], os.environ["WORK"]
SOAK = float(os.environ.get("SOAK_SECONDS", "10"))
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what, flush=True)


def mkcert(name, cn):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key",
                    "-out", name + ".crt", "-days", "1", "-subj", "/CN=" + cn,
                    "-addext", "subjectAltName=IP:127.0.0.1"], cwd=WORK, check=True, capture_output=True)


mkcert("a", "kguard-a")
mkcert("b", "kguard-b")
shutil.copy(os.path.join(WORK, "a.crt"), os.path.join(WORK, "tls.crt"))
shutil.copy(os.path.join(WORK, "a.key"), os.path.join(WORK, "tls.key"))
ASAN = b"AddressSanitizer" in open(KG, "rb").read()
CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE


class Server:
    def __init__(self, name, *args, cert="tls"):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.errpath = os.path.join(WORK, name + ".log")
        self.err = open(self.errpath, "w")
        env = dict(os.environ)
        if ASAN:
            env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=4:thread_local_quarantine_size_kb=64"
        self.proc = subprocess.Popen([KG, "serve", "--listen", "127.0.0.1:%d" % self.port,
                                      "--tls-cert", os.path.join(WORK, cert + ".crt"),
                                      "--tls-key", os.path.join(WORK, cert + ".key")] + list(args),
                                     stdout=subprocess.DEVNULL, stderr=self.err, env=env)
        self.conn = None
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)

    def request(self, method, path, body=None, ctype="application/json"):
        for _ in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=CTX, timeout=30)
                hdrs = {"Content-Type": ctype} if ctype else {}
                self.conn.request(method, path, body=body, headers=hdrs)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, data
            except (ConnectionError, http.client.HTTPException, ssl.SSLError, OSError):
                self.conn = None
        return -1, b""

    def review(self, req, path="/validate", api="admission.k8s.io/v1"):
        st, data = self.request("POST", path, json.dumps({"apiVersion": api, "kind": "AdmissionReview",
                                                          "request": req}).encode())
        try:
            return st, json.loads(data)
        except ValueError:
            return st, None

    def log_lines(self):
        self.err.flush()
        out = []
        for line in open(self.errpath):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out

    def metrics(self):
        return self.request("GET", "/metrics", ctype=None)[1].decode()

    def rss_kb(self):
        for line in open("/proc/%d/status" % self.proc.pid):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return -1

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.conn:
            self.conn.close()
            self.conn = None
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = -9
        self.err.close()
        return rc


# ---- objects ----
def good_pod(name="web", image="registry.example.com/web:1.0@sha256:" + "a" * 64):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
                     "containers": [{"name": "app", "image": image,
                                     "securityContext": {"allowPrivilegeEscalation": False,
                                                         "capabilities": {"drop": ["ALL"]}}}]}}


def priv_pod(name="bad"):
    p = good_pod(name)
    p["spec"]["containers"][0]["securityContext"]["privileged"] = True
    return p


def bare_pod(name="bare", ns="default"):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
            "spec": {"securityContext": {"runAsNonRoot": True},
                     "containers": [{"name": "app", "image": "registry.example.com/app:1.0"},
                                    {"name": "side", "image": "registry.example.com/side:1.0",
                                     "securityContext": {"capabilities": {"add": ["NET_BIND_SERVICE"]}}}],
                     "initContainers": [{"name": "init", "image": "registry.example.com/init:1.0",
                                         "securityContext": None}]}}


def deployment(pod):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "dep", "namespace": "default"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "x"}},
                     "template": {"metadata": {"labels": {"app": "x"}}, "spec": pod["spec"]}}}


uid_n = 0


def req(obj, op="CREATE", old=None, kind=None, resource="pods", sub="", ns="default", user="alice",
        dry=False, name=None):
    global uid_n
    uid_n += 1
    k = kind or {"group": "", "version": "v1", "kind": obj["kind"] if obj else "Pod"}
    r = {"uid": "uid-%d" % uid_n, "kind": k, "resource": {"group": k["group"], "version": k["version"],
                                                        "resource": resource},
         "requestKind": k, "namespace": ns, "operation": op, "userInfo": {"username": user, "groups": ["g"]},
         "object": obj, "oldObject": old, "dryRun": dry,
         "name": name if name is not None else ((obj or old or {}).get("metadata", {}).get("name", ""))}
    if sub:
        r["subResource"] = sub
    return r


def resp_of(body):
    return (body or {}).get("response", {})


def rules_in(msg):
    import re
    return set(re.findall(r"\[([a-zA-Z0-9_.-]+)\]", msg or ""))


# ======== server A: defaults ========
A = Server("a", "--threads", "2")
st, b = A.request("GET", "/healthz", ctype=None)
check(st == 200 and b == b"ok\n", "healthz")
st, b = A.request("GET", "/readyz", ctype=None)
check(st == 200, "readyz while serving")

# allow
st, body = A.review(req(good_pod()))
r = resp_of(body)
check(st == 200 and r.get("allowed") is True and "status" not in r, "restricted pod allowed (%s)" % r)
check(r.get("uid") == "uid-%d" % uid_n, "uid echoed")
check(body.get("apiVersion") == "admission.k8s.io/v1" and body.get("kind") == "AdmissionReview", "v1 answer")
check(r.get("auditAnnotations", {}).get("enforce-policy") == "restricted:latest", "enforce-policy annotation")

# deny: every violated rule with its message
st, body = A.review(req(priv_pod()))
r = resp_of(body)
s = r.get("status", {})
check(r.get("allowed") is False and s.get("code") == 403 and s.get("reason") == "Forbidden", "privileged pod denied 403")
check(rules_in(s.get("message")) == {"pss.privileged"}, "denial names pss.privileged only: %s" % rules_in(s.get("message")))
check('violates PodSecurity "restricted:latest"' in s.get("message", "") and 'Pod "bad"' in s.get("message", ""),
      "denial message says the level and the object")
causes = s.get("details", {}).get("causes", [])
check(len(causes) == 1 and causes[0].get("field") == "spec.containers[0].securityContext.privileged",
      "cause with field path: %s" % causes)

# deny: a bare pod violates several restricted checks in several containers: every one is listed
st, body = A.review(req(bare_pod()))
s = resp_of(body).get("status", {})
got = rules_in(s.get("message"))
want = {"pss.allowPrivilegeEscalation", "pss.capabilities_restricted", "pss.seccompProfile_restricted"}
check(want <= got and "pss.runAsNonRoot" not in got, "bare pod: every violated rule (%s)" % sorted(got))
check(len(s.get("details", {}).get("causes", [])) >= 7, "one cause per finding (%d)" % len(s.get("details", {}).get("causes", [])))

# deny: workload template
st, body = A.review(req(deployment(priv_pod()), kind={"group": "apps", "version": "v1", "kind": "Deployment"},
                        resource="deployments"))
s = resp_of(body).get("status", {})
check(resp_of(body).get("allowed") is False and
      s["details"]["causes"][0]["field"] == "spec.template.spec.containers[0].securityContext.privileged",
      "deployment template denied with template path")

# warn: other rules are warnings; each <= 256 bytes, 4 KiB in all
p = good_pod(image="nginx:latest")
p["spec"]["containers"][0]["env"] = [{"name": "API_TOKEN", "value": "x" * 600}]
st, body = A.review(req(p))
r = resp_of(body)
w = r.get("warnings", [])
check(r.get("allowed") is True and any(x.startswith("[image.latest-tag]") for x in w), "latest tag is a warning")
check(all(len(x.encode()) <= 256 for x in w) and sum(len(x) for x in w) <= 4096, "warnings within the API server's limits")
check(all("\n" not in x for x in w), "warnings on one line")

# UPDATE: ratchet - violations already in the old object do not deny
old = priv_pod("bad")
new = copy.deepcopy(old)
new["metadata"]["labels"] = {"x": "y"}
st, body = A.review(req(new, op="UPDATE", old=old))
r = resp_of(body)
check(r.get("allowed") is True and any("already in the old object" in x for x in r.get("warnings", [])),
      "UPDATE keeping an old violation is admitted with a warning")
new2 = copy.deepcopy(old)
new2["spec"]["hostNetwork"] = True
st, body = A.review(req(new2, op="UPDATE", old=old))
s = resp_of(body).get("status", {})
check(resp_of(body).get("allowed") is False and rules_in(s.get("message")) == {"pss.hostNamespaces"},
      "UPDATE adding a violation is denied for the new one only (%s)" % rules_in(s.get("message")))

# pods/ephemeralcontainers: the new ephemeral container is checked
oldp = good_pod("dbg")
newp = copy.deepcopy(oldp)
newp["spec"]["ephemeralContainers"] = [{"name": "debugger", "image": "busybox:1.36", "targetContainerName": "app"}]
st, body = A.review(req(newp, op="UPDATE", old=oldp, sub="ephemeralcontainers"))
s = resp_of(body).get("status", {})
check(resp_of(body).get("allowed") is False and "ephemeral container \"debugger\"" in s.get("message", ""),
      "ephemeral container without securityContext denied")
check(all(c["field"].startswith("spec.ephemeralContainers[0]") for c in s.get("details", {}).get("causes", [])),
      "only the ephemeral container is blamed")

# DELETE, other subresources, dryRun, v1beta1
st, body = A.review(req(None, op="DELETE", old=priv_pod()))
check(resp_of(body).get("allowed") is True, "DELETE allowed")
st, body = A.review(req(priv_pod(), op="UPDATE", old=priv_pod(), sub="status"))
check(resp_of(body).get("allowed") is True, "status subresource not checked")
st, body = A.review(req(priv_pod("dry"), dry=True))
check(resp_of(body).get("allowed") is False, "dryRun decides the same")
st, body = A.review(req(priv_pod("beta")), api="admission.k8s.io/v1beta1")
check(body and body.get("apiVersion") == "admission.k8s.io/v1beta1" and resp_of(body).get("allowed") is False,
      "v1beta1 answered in v1beta1")

# a kind no rule looks at
st, body = A.review(req({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e"}},
                        kind={"group": "", "version": "v1", "kind": "Event"}, resource="events"))
check(resp_of(body).get("allowed") is True, "unknown kind allowed")

# RBAC object: warned by default
role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "all"},
        "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}
st, body = A.review(req(role, kind={"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "ClusterRole"},
                        resource="clusterroles", ns=""))
check(resp_of(body).get("allowed") is True and any("[rbac.wildcard-all]" in x for x in resp_of(body).get("warnings", [])),
      "wildcard ClusterRole warned by default")

# inline suppressions: waive warnings, never an enforced rule
p = priv_pod("ign")
p["metadata"]["annotations"] = {"kguard.io/ignore": "pss.privileged: vendor agent; image.no-digest: ok for now"}
p["spec"]["containers"][0]["image"] = "registry.example.com/web:1.0"
st, body = A.review(req(p))
r = resp_of(body)
check(r.get("allowed") is False and "kguard.io/ignore does not waive" in r.get("status", {}).get("message", ""),
      "kguard.io/ignore cannot waive an enforced rule")
check(not any("[image.no-digest]" in x for x in r.get("warnings", [])), "kguard.io/ignore waives a warning")

# ---- bad input ----
st, b = A.request("POST", "/validate", b"{not json")
check(st == 400 and b"not valid JSON" in b, "garbage JSON -> 400")
st, b = A.request("POST", "/validate", json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                                                   "request": {"operation": "CREATE"}}).encode())
check(st == 400 and b"request.uid is missing" in b, "missing request.uid -> 400")
st, b = A.request("POST", "/validate", b'{"kind":"Pod"}')
check(st == 400 and b"AdmissionReview" in b, "not an AdmissionReview -> 400")
st, b = A.request("POST", "/validate", json.dumps({"apiVersion": "admission.k8s.io/v2", "kind": "AdmissionReview",
                                                   "request": {"uid": "x"}}).encode())
check(st == 400, "unknown apiVersion -> 400")
st, b = A.request("POST", "/validate", b"[1,2]")
check(st == 400, "JSON array -> 400")
st, b = A.request("POST", "/validate", json.dumps({"apiVersion": "admission.k8s.io/v1"}).encode(), ctype="text/plain")
check(st == 415, "wrong content type -> 415")
st, b = A.request("POST", "/validate", b"{}", ctype=None)
check(st == 415, "no content type -> 415")
st, b = A.request("GET", "/validate", ctype=None)
check(st == 405, "GET /validate -> 405")
st, b = A.request("POST", "/nope", b"{}")
check(st == 404, "unknown path -> 404")
st, b = A.request("POST", "/validate", b"[" * 100000 + b"]" * 100000)
check(st == 400, "deep nesting -> 400")
st, b = A.request("POST", "/validate", b'{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"\xff\xfe"}}')
check(st == 400, "invalid UTF-8 -> 400")
st, body = A.review({"uid": "u-noobj", "kind": {"group": "", "version": "v1", "kind": "Pod"},
                     "resource": {"resource": "pods"}, "operation": "CREATE", "namespace": "default"})
r = resp_of(body)
check(st == 200 and r.get("allowed") is False and r.get("status", {}).get("code") == 400, "missing object -> denial 400")
rq = req(good_pod())
rq["object"] = "a string"
st, body = A.review(rq)
check(resp_of(body).get("allowed") is False and resp_of(body)["status"]["code"] == 400, "object not an object -> denial 400")


def status_for_length(port, n):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with CTX.wrap_socket(raw) as t:
            t.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % n)
            return int(t.recv(200).split(b" ")[1])


check(status_for_length(A.port, 4 << 20) == 413, "4 MiB Content-Length -> 413 before reading")


def chunks():
    for _ in range(5):
        yield b" " * (1 << 20)


c2 = http.client.HTTPSConnection("127.0.0.1", A.port, context=CTX, timeout=30)
try:
    c2.request("POST", "/validate", body=chunks(), headers={"Content-Type": "application/json"}, encode_chunked=True)
    st = c2.getresponse().status
except (ConnectionError, OSError):
    st = -1
c2.close()
check(st == 413, "5 MiB chunked body -> 413 (got %d)" % st)

# a 3 MiB object (the API server's limit) is decided
big = good_pod("big")
big["metadata"]["annotations"] = {"k%d" % i: "v" * 1000 for i in range(3000)}
t0 = time.time()
st, body = A.review(req(big))
check(st == 200 and resp_of(body).get("allowed") is True, "3 MiB object decided (%.2fs)" % (time.time() - t0))

# TLS versions
def handshake(port, maxv, minv=None, timeout=5):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    if minv:
        c.minimum_version = minv
    c.maximum_version = maxv
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as raw:
            with c.wrap_socket(raw) as t:
                return t.getpeercert(binary_form=True)
    except (ssl.SSLError, OSError):
        return None


check(handshake(A.port, ssl.TLSVersion.TLSv1_2) is not None, "TLS 1.2 accepted")
check(handshake(A.port, ssl.TLSVersion.TLSv1_3) is not None, "TLS 1.3 accepted")
try:
    check(handshake(A.port, ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1_1) is None, "TLS 1.1 refused")
except ValueError:
    pass

# rotation
check(b"kguard-a" in (handshake(A.port, ssl.TLSVersion.TLSv1_3) or b""), "serving certificate a")
time.sleep(1.1)
for ext in ("key", "crt"):
    shutil.copy(os.path.join(WORK, "b." + ext), os.path.join(WORK, "tls.%s.new" % ext))
    os.rename(os.path.join(WORK, "tls.%s.new" % ext), os.path.join(WORK, "tls." + ext))
ok = False
for _ in range(20):
    if b"kguard-b" in (handshake(A.port, ssl.TLSVersion.TLSv1_3) or b""):
        ok = True
        break
    time.sleep(0.3)
check(ok, "certificate rotated without restart")

# metrics and logs
m = A.metrics()
check('kguard_admission_requests_total{endpoint="validate",operation="CREATE",kind="Pod",decision="deny",dry_run="false"}' in m,
      "metrics: requests by operation, kind and decision")
check('decision="deny",dry_run="true"' in m, "metrics: dryRun labelled")
check('kguard_admission_denials_total{rule="pss.privileged"}' in m, "metrics: denials by rule")
check('kguard_admission_duration_seconds_bucket{endpoint="validate",le="+Inf"}' in m, "metrics: latency histogram")
check("kguard_tls_reloads_total 1" in m, "metrics: TLS reloads")
check('kguard_admission_errors_total{reason="bad_json"}' in m and 'reason="content_type"' in m, "metrics: errors")
logs = A.log_lines()
dec = [l for l in logs if l.get("msg") == "admission decision"]
check(len(dec) >= 15, "one log line per decision (%d)" % len(dec))
d0 = next((l for l in dec if l.get("name") == "bad" and l.get("operation") == "CREATE"), {})
check(all(k in d0 for k in ("uid", "user", "kind", "namespace", "name", "allowed", "rules")) and
      d0.get("rules") == ["pss.privileged"] and d0.get("allowed") is False and d0.get("user") == "alice",
      "decision log fields: %s" % d0)
check(any(l.get("dryRun") is True and l.get("name") == "dry" for l in dec), "decision log says dryRun")
check(any(l.get("msg") == "TLS certificate reloaded from %s" % os.path.join(WORK, "tls.crt") for l in logs), "rotation logged")

# slow clients: a body dripped slower than --request-timeout is cut
S = Server("slow", "--request-timeout", "2", "--idle-timeout", "3", "--max-conns", "4", "--per-ip-conns", "4")
t0 = time.time()
closed_after = None
try:
    with socket.create_connection(("127.0.0.1", S.port), timeout=10) as raw:
        with CTX.wrap_socket(raw) as t:
            t.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
            for _ in range(30):
                time.sleep(0.5)
                t.sendall(b" ")
except (OSError, ssl.SSLError):
    closed_after = time.time() - t0
check(closed_after is not None and closed_after < 8, "dripping client cut (after %s s)" % closed_after)
# an idle connection is closed after --idle-timeout
t0 = time.time()
try:
    with socket.create_connection(("127.0.0.1", S.port), timeout=15) as raw:
        with CTX.wrap_socket(raw) as t:
            got = t.recv(10)
            closed = got == b""
except (OSError, ssl.SSLError):
    closed = True
check(closed and time.time() - t0 < 8, "idle connection closed (%.1f s)" % (time.time() - t0))
# connection limit: 4 held connections, a 5th is refused; the server still answers afterwards
held = []
for _ in range(4):
    raw = socket.create_connection(("127.0.0.1", S.port), timeout=5)
    held.append(CTX.wrap_socket(raw))
fifth = handshake(S.port, ssl.TLSVersion.TLSv1_3, timeout=1.5)  # before --idle-timeout frees a slot
check(fifth is None, "connection over --max-conns refused")
for h in held:
    h.close()
time.sleep(0.3)
st, body = S.review(req(good_pod()))
check(st == 200 and resp_of(body).get("allowed") is True, "server answers after the connection storm")
check(S.stop() == 0, "slow-client server stopped cleanly")

# deploy/gen-certs.sh: a CA and an EC serving certificate the API server can verify
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
gc = os.path.join(WORK, "gc")
r = subprocess.run(["sh", os.path.join(ROOT, "deploy", "gen-certs.sh"), "--out", gc], capture_output=True)
check(r.returncode == 0 and os.path.exists(os.path.join(gc, "webhooks.yaml")), "gen-certs.sh ran: %s" % r.stderr[-200:])
G = Server("gc", cert="gc/tls")
vctx = ssl.create_default_context(cafile=os.path.join(gc, "ca.crt"))
try:
    with socket.create_connection(("127.0.0.1", G.port), timeout=5) as raw:
        with vctx.wrap_socket(raw, server_hostname="kguard.kguard.svc") as t:
            t.sendall(b"GET /healthz HTTP/1.1\r\nHost: kguard.kguard.svc\r\nConnection: close\r\n\r\n")
            verified = b"200" in t.recv(100)
except (OSError, ssl.SSLError) as e:
    print("gen-certs handshake:", e)
    verified = False
check(verified, "certificate from gen-certs.sh verifies as kguard.kguard.svc against its CA")
G.stop()

# ======== server B: a policy ========
pol = os.path.join(WORK, "policy.yaml")
POLICY1 = """
serve:
  mode: warn
  pss:
    enforce: baseline
    warn: restricted
  rules:
    "rbac.*": enforce
  failOn: high
  mutate:
    allowPrivilegeEscalation: true
    seccompProfile: true
    dropAllCapabilities: true
    imagePullPolicyAlways: true
  connect:
    exec: enforce
  exemptions:
    usernames: ["system:serviceaccount:kube-system:*"]
    namespaces: [kube-system]
    runtimeClasses: [kata]
  namespaces:
    - names: ["prod-*"]
      pss: {enforce: restricted, enforce-version: v1.29}
      updates: full
    - names: [sandbox]
      mode: audit
      pss: {enforce: privileged, warn: privileged, audit: baseline}
      connect: {exec: allow}
"""
open(pol, "w").write(POLICY1)
B = Server("b", "--policy", pol, "--threads", "1")

st, body = B.review(req(bare_pod()))
r = resp_of(body)
check(r.get("allowed") is True and any("would violate PodSecurity \"restricted:latest\"" in x for x in r.get("warnings", [])),
      "baseline enforced, restricted warned")
st, body = B.review(req(priv_pod()))
check(resp_of(body).get("allowed") is False and "PodSecurity \"baseline:latest\"" in resp_of(body)["status"]["message"],
      "baseline enforced")
st, body = B.review(req(bare_pod(ns="prod-eu"), ns="prod-eu"))
check(resp_of(body).get("allowed") is False and "restricted:v1.29" in resp_of(body)["status"]["message"],
      "namespace entry: restricted v1.29")
st, body = B.review(req(role, kind={"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "ClusterRole"},
                        resource="clusterroles", ns=""))
check(resp_of(body).get("allowed") is False and "rbac.wildcard-all" in resp_of(body)["status"]["message"],
      "rbac.* enforced by serve.rules")
st, body = B.review(req(priv_pod(), ns="sandbox"))
r = resp_of(body)
check(r.get("allowed") is True and "pss.privileged" in r.get("auditAnnotations", {}).get("audit-violations", "") and
      not r.get("warnings"), "audit mode: admitted, recorded in auditAnnotations")
# exemptions
for what, rq in (("user", req(priv_pod(), user="system:serviceaccount:kube-system:replicaset-controller")),
                 ("namespace", req(priv_pod(), ns="kube-system"))):
    st, body = B.review(rq)
    r = resp_of(body)
    check(r.get("allowed") is True and r.get("auditAnnotations", {}).get("exempt") == what, "exempt by " + what)
kp = priv_pod("kata")
kp["spec"]["runtimeClassName"] = "kata"
st, body = B.review(req(kp))
check(resp_of(body).get("allowed") is True and resp_of(body)["auditAnnotations"].get("exempt") == "runtimeClass",
      "exempt by runtimeClass")
# CONNECT
exec_req = req({"apiVersion": "v1", "kind": "PodExecOptions", "command": ["sh"], "stdin": True, "tty": True},
               op="CONNECT", sub="exec", name="web", kind={"group": "", "version": "v1", "kind": "PodExecOptions"})
st, body = B.review(exec_req)
check(resp_of(body).get("allowed") is False and "pods/exec" in resp_of(body)["status"]["message"], "exec denied")
exec_req2 = dict(exec_req, uid="u-exec2", namespace="sandbox")
st, body = B.review(exec_req2)
check(resp_of(body).get("allowed") is True, "exec allowed in sandbox")
# full updates (PSA): a metadata-only update of a violating pod is not evaluated; an image change is
old = bare_pod("u", ns="prod-a")
new = copy.deepcopy(old)
new["metadata"]["labels"] = {"a": "b"}
st, body = B.review(req(new, op="UPDATE", old=old, ns="prod-a"))
check(resp_of(body).get("allowed") is True, "updates: full - metadata-only pod update admitted (PSA)")
new["spec"]["containers"][0]["image"] = "registry.example.com/app:2.0"
st, body = B.review(req(new, op="UPDATE", old=old, ns="prod-a"))
check(resp_of(body).get("allowed") is False, "updates: full - image change re-evaluated and denied")

# mutate: apply the patch and validate again
mp = bare_pod("m")
del mp["spec"]["securityContext"]["runAsNonRoot"]
mp["spec"]["securityContext"]["runAsNonRoot"] = True
st, body = B.review(req(mp), path="/mutate")
r = resp_of(body)
check(r.get("allowed") is True and r.get("patchType") == "JSONPatch", "mutate answers a JSONPatch")
patch = json.loads(base64.b64decode(r.get("patch", "")) or b"[]")
check(all(op["op"] == "add" for op in patch) and len(patch) >= 5, "patch adds defaults (%d ops)" % len(patch))
patched = apply_patch(mp, patch)
check(patched["spec"]["initContainers"][0]["securityContext"] == {"allowPrivilegeEscalation": False,
                                                                   "capabilities": {"drop": ["ALL"]}},
      "null securityContext replaced whole")
check(patched["spec"]["containers"][1]["securityContext"]["capabilities"] == {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
      "drop added next to add")
check(patched["spec"]["containers"][0]["imagePullPolicy"] == "Always", "imagePullPolicy Always")
check(r.get("auditAnnotations", {}).get("mutated", "").startswith("allowPrivilegeEscalation"), "mutated annotation")
st, body = A.review(req(patched))  # server A: restricted enforced
check(resp_of(body).get("allowed") is True, "patched pod passes restricted: %s" % resp_of(body).get("status", {}).get("message"))
st, body = B.review(req(patched), path="/mutate")
check("patch" not in resp_of(body), "mutation is idempotent")
dp = deployment(bare_pod())
st, body = B.review(req(dp, kind={"group": "apps", "version": "v1", "kind": "Deployment"}, resource="deployments"),
                    path="/mutate")
patch = json.loads(base64.b64decode(resp_of(body).get("patch", "")) or b"[]")
check(patch and all(op["path"].startswith("/spec/template/spec/") for op in patch), "deployment patched in its template")
st, body = A.review(req(apply_patch(dp, patch), kind={"group": "apps", "version": "v1", "kind": "Deployment"},
                        resource="deployments"))
check(resp_of(body).get("allowed") is True, "patched deployment passes restricted")
st, body = B.review(req(priv_pod(), user="system:serviceaccount:kube-system:x"), path="/mutate")
check("patch" not in resp_of(body), "exempt requests are not mutated")

# policy reloads: a change of the file is picked up; a bad policy is refused and the old one stays
time.sleep(1.1)
open(pol, "w").write(POLICY1.replace("enforce: baseline", "enforce: restricted"))
ok = False
for _ in range(30):
    st, body = B.review(req(bare_pod()))
    if resp_of(body).get("allowed") is False:
        ok = True
        break
    time.sleep(0.2)
check(ok, "policy file change reloaded")
time.sleep(1.1)
open(pol, "w").write("serve:\n  mode: block\n")
time.sleep(2.5)
st, body = B.review(req(bare_pod()))
check(resp_of(body).get("allowed") is False, "bad policy refused, previous one in force")
errs = [l for l in B.log_lines() if l.get("level") == "error" and "policy reload failed" in l.get("msg", "")]
check(errs and errs[-1].get("line") == 2 and "mode must be enforce, warn or audit" in errs[-1].get("error", ""),
      "reload error logged with position: %s" % (errs[-1] if errs else None))
check('kguard_policy_reloads_total{result="error"} 1' in B.metrics(), "reload error counted")
open(pol, "w").write("serve:\n  pss: {enforce: privileged}\n")
B.proc.send_signal(signal.SIGHUP)
time.sleep(0.5)
st, body = B.review(req(priv_pod()))
check(resp_of(body).get("allowed") is True, "SIGHUP reload: enforce privileged admits")
check('kguard_policy_reloads_total{result="success"}' in B.metrics(), "reload counted")
check(B.stop() == 0, "server B stopped")

# ======== soak: good and bad requests, memory must level off ========
bad_bodies = [b"{not json", b"[" * 5000, b'{"kind":"AdmissionReview"}', b'{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","object":7,"operation":"CREATE"}}']
good_bodies = [json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req(o)}).encode()
               for o in (good_pod(), priv_pod(), bare_pod(), deployment(bare_pod()))]
deadline = time.time() + SOAK
half = time.time() + SOAK / 2
n = ok_n = 0
rss_mid = None
while time.time() < deadline and n < 200000:
    if n % 5 == 4:
        st, _ = A.request("POST", "/validate", bad_bodies[n % len(bad_bodies)])
        ok_n += st == 400 or st == 200
    else:
        st, b = A.request("POST", "/validate", good_bodies[n % len(good_bodies)])
        ok_n += st == 200
    n += 1
    if n % 500 == 0:
        A.review(req(big))
        if rss_mid is None and time.time() > half:
            rss_mid = A.rss_kb()
A.review(req(big))
rss_end = A.rss_kb()
check(ok_n == n, "soak: %d of %d answered as expected" % (ok_n, n))
print("soak: %d requests in %.0f s, RSS %s KiB at half time, %d KiB at the end" % (n, SOAK, rss_mid, rss_end))
check(rss_mid is not None and rss_end <= rss_mid * 1.10 + 4096, "RSS stops growing (%s -> %d KiB)" % (rss_mid, rss_end))

# graceful stop: not ready during the shutdown delay, still answering, then exit 0
C = Server("c", "--shutdown-delay", "1")
C.request("GET", "/readyz", ctype=None)
C.proc.send_signal(signal.SIGTERM)
time.sleep(0.3)
st, _ = C.request("GET", "/readyz", ctype=None)
check(st == 503, "readyz 503 while shutting down")
st, body = C.review(req(good_pod()))
check(resp_of(body).get("allowed") is True, "still answering during the shutdown delay")
check(C.stop(signal.SIGTERM) == 0, "exit 0 after drain")
check(A.stop() == 0, "server A stopped cleanly")

print("serve: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
