/* Audit event generator for bench/audit.sh: N events, one per line, shaped like a busy
 * cluster's log at the RequestResponse level: controllers' get/list/watch/update of leases,
 * endpoints and configmaps (metadata only or small objects), kubelets' status patches, users'
 * creates/patches/deletes of pods, deployments, services, secrets, configmaps and RBAC objects
 * with request/response objects of 1-5 KB, and a sprinkle of exec, anonymous and forbidden
 * requests so that rules fire. Deterministic for a given seed.
 *
 * usage: gen_audit N [SEED] > events.jsonl */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const char *pick(const char *const *v, size_t n) { return v[rnd((uint32_t)n)]; }
#define PICK(a) pick(a, sizeof(a) / sizeof(a[0]))

static const char *const users[] = { "alice@example.com", "bob@example.com", "ci-bot", "system:kube-controller-manager",
				     "system:serviceaccount:kube-system:replicaset-controller",
				     "system:serviceaccount:kube-system:deployment-controller", "system:node:worker-1",
				     "system:node:worker-2", "system:kube-scheduler", "system:serviceaccount:monitoring:prometheus" };
static const char *const namespaces[] = { "default", "kube-system", "monitoring", "payments", "web", "batch-jobs" };
static const char *const images[] = { "nginx:1.25", "registry.example.com:5000/payments/api:3.2.1", "busybox",
				      "gcr.io/google-containers/pause:3.9", "quay.io/prometheus/node-exporter:v1.7.0" };

static void labels(char *o, size_t n, int count)
{
	size_t off = 0;
	off += (size_t)snprintf(o + off, n - off, "{");
	for (int i = 0; i < count && off < n; i++)
		off += (size_t)snprintf(o + off, n - off, "%s\"app.kubernetes.io/label-%d\":\"value-%u-%u\"", i ? "," : "", i,
					rnd(1000), rnd(1000));
	snprintf(o + off, n - off, "}");
}

/* A pod spec of roughly `size` bytes (env variables pad it). */
static void pod_spec(char *o, size_t n, int size, bool privileged, bool hostpath)
{
	char env[6000];
	size_t e = 0;
	env[0] = '\0';
	for (int i = 0; (int)e < size - 700 && e < sizeof(env) - 200; i++)
		e += (size_t)snprintf(env + e, sizeof(env) - e, "%s{\"name\":\"SETTING_%d\",\"value\":\"v%u-%u-%u\"}", i ? "," : "",
				      i, rnd(100000), rnd(100000), rnd(100000));
	snprintf(o, n,
		 "{\"containers\":[{\"name\":\"app\",\"image\":\"%s\",\"env\":[%s],\"ports\":[{\"containerPort\":8080,\"protocol\":\"TCP\"}],"
		 "\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"}},\"securityContext\":{\"privileged\":%s,"
		 "\"runAsNonRoot\":true,\"allowPrivilegeEscalation\":false}}],\"volumes\":[%s],\"restartPolicy\":\"Always\","
		 "\"serviceAccountName\":\"default\",\"dnsPolicy\":\"ClusterFirst\"}",
		 PICK(images), env, privileged ? "true" : "false",
		 hostpath ? "{\"name\":\"host\",\"hostPath\":{\"path\":\"/var/run/docker.sock\"}}" : "{\"name\":\"tmp\",\"emptyDir\":{}}");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_audit N [SEED]\n");
		return 2;
	}
	long n = atol(argv[1]);
	rng = argc > 2 ? strtoull(argv[2], NULL, 10) | 1 : 88172645463325252ull;
	static char obj[32768], spec[8192], lab[1024], line[49152];
	long base = 1714557600; /* 2024-05-01T10:00:00Z */
	for (long i = 0; i < n; i++) {
		long t = base + i / 2000;
		unsigned us = (unsigned)(i % 2000) * 500;
		const char *user = PICK(users), *ns = PICK(namespaces), *verb, *res, *sub = NULL, *stage = "ResponseComplete";
		int code = 200, kind = (int)rnd(100);
		obj[0] = '\0';
		const char *level = "Metadata";
		if (kind < 45) { /* controllers reading and renewing */
			static const char *const v[] = { "get", "list", "watch", "update" };
			static const char *const r[] = { "leases", "endpoints", "configmaps", "nodes", "pods" };
			verb = PICK(v);
			res = PICK(r);
		} else if (kind < 60) { /* kubelet status patches */
			verb = "patch";
			res = "pods";
			sub = "status";
			level = "Request";
			labels(lab, sizeof(lab), 4);
			snprintf(obj, sizeof(obj), ",\"requestObject\":{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],\"podIP\":\"10.0.%u.%u\"}}",
				 rnd(255), rnd(255));
		} else if (kind < 90) { /* users writing objects with 1-5 KB bodies */
			static const char *const v[] = { "create", "update", "patch", "delete" };
			static const char *const r[] = { "pods", "deployments", "services", "configmaps", "secrets", "roles", "rolebindings" };
			verb = PICK(v);
			res = PICK(r);
			level = "RequestResponse";
			code = !strcmp(verb, "create") ? 201 : 200;
			labels(lab, sizeof(lab), 3 + (int)rnd(6));
			int size = 1000 + (int)rnd(4000);
			if (!strcmp(res, "pods") || !strcmp(res, "deployments")) {
				pod_spec(spec, sizeof(spec), size / 2, rnd(200) == 0, rnd(150) == 0);
				if (!strcmp(res, "pods"))
					snprintf(obj, sizeof(obj), ",\"requestObject\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p-%ld\",\"namespace\":\"%s\",\"labels\":%s},\"spec\":%s},"
						 "\"responseObject\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p-%ld\",\"namespace\":\"%s\",\"uid\":\"%08x-0000-4000-8000-%012x\",\"resourceVersion\":\"%u\",\"labels\":%s},\"spec\":%s}",
						 i, ns, lab, spec, i, ns, rnd(1u << 31), rnd(1u << 31), rnd(1u << 30), lab, spec);
				else
					snprintf(obj, sizeof(obj), ",\"requestObject\":{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"d-%ld\",\"labels\":%s},\"spec\":{\"replicas\":3,\"template\":{\"metadata\":{\"labels\":%s},\"spec\":%s}}},"
						 "\"responseObject\":{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"d-%ld\",\"uid\":\"%08x\",\"labels\":%s},\"spec\":{\"replicas\":3,\"template\":{\"spec\":%s}}}",
						 i, lab, lab, spec, i, rnd(1u << 31), lab, spec);
			} else {
				char data[6000];
				size_t d = 0;
				for (int k = 0; (int)d < size - 400 && d < sizeof(data) - 100; k++)
					d += (size_t)snprintf(data + d, sizeof(data) - d, "%s\"key-%d\":\"%u%u%u%u\"", k ? "," : "", k,
							      rnd(1u << 30), rnd(1u << 30), rnd(1u << 30), rnd(1u << 30));
				snprintf(obj, sizeof(obj), ",\"requestObject\":{\"kind\":\"Object\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"o-%ld\",\"labels\":%s},\"data\":{%s}},"
					 "\"responseObject\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\",\"code\":%d}",
					 i, lab, data, code);
			}
		} else if (kind < 95) { /* forbidden probing */
			verb = "get";
			res = "secrets";
			code = 403;
			user = rnd(4) ? "mallory@example.com" : PICK(users);
		} else if (kind < 98) { /* exec */
			verb = "create";
			res = "pods";
			sub = "exec";
			stage = rnd(2) ? "ResponseStarted" : "ResponseComplete";
			code = 101;
		} else { /* anonymous */
			verb = "get";
			res = "namespaces";
			user = "system:anonymous";
			code = rnd(3) ? 403 : 200;
		}
		int len = snprintf(line, sizeof(line),
				   "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"%s\",\"auditID\":\"%08x-%04x-4%03x-8%03x-%012lx\","
				   "\"stage\":\"%s\",\"requestURI\":\"/api/v1/namespaces/%s/%s%s%s\",\"verb\":\"%s\","
				   "\"user\":{\"username\":\"%s\",\"groups\":[\"system:authenticated\"]},\"sourceIPs\":[\"10.%u.%u.%u\"],"
				   "\"userAgent\":\"kubectl/v1.30.1 (linux/amd64) kubernetes/6911225\","
				   "\"objectRef\":{\"resource\":\"%s\",\"namespace\":\"%s\",\"name\":\"obj-%u\",\"apiVersion\":\"v1\"%s%s%s},"
				   "\"responseStatus\":{\"metadata\":{},\"code\":%d}%s,"
				   "\"requestReceivedTimestamp\":\"2024-05-01T%02ld:%02ld:%02ld.%06uZ\",\"stageTimestamp\":\"2024-05-01T%02ld:%02ld:%02ld.%06uZ\","
				   "\"annotations\":{\"authorization.k8s.io/decision\":\"%s\",\"authorization.k8s.io/reason\":\"RBAC: allowed by ClusterRoleBinding\"}}\n",
				   level, rnd(1u << 31), rnd(65536), rnd(4096), rnd(4096), (unsigned long)i, stage, ns, res, sub ? "/x/" : "",
				   sub ? sub : "", verb, user, rnd(255), rnd(255), rnd(255), res, ns, rnd(100000),
				   sub ? ",\"subresource\":\"" : "", sub ? sub : "", sub ? "\"" : "", code, obj,
				   (t / 3600) % 24, (t / 60) % 60, t % 60, us, (t / 3600) % 24, (t / 60) % 60, t % 60, us + 300,
				   code == 403 ? "forbid" : "allow");
		if (len > 0 && (size_t)len < sizeof(line))
			fwrite(line, 1, (size_t)len, stdout);
	}
	return 0;
}
