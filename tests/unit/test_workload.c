/* The workload family: workload.* and image.* rules, parameters, inheritance and exclusions. */
#include "harness.h"
#include "scan_helper.h"

#include "rules/params.h"
#include "rules/workload_priv.h"

extern const struct kg_family kg_family_workload;

/* A container that passes every workload.* and image.* rule. */
#define GOOD_CTR                                                                                   \
	"      - name: app\n"                                                                       \
	"        image: registry.example.com/app:1.2.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n" \
	"        resources:\n"                                                                      \
	"          requests: {cpu: 100m, memory: 128Mi}\n"                                          \
	"          limits: {cpu: 500m, memory: 256Mi}\n"                                            \
	"        livenessProbe: {httpGet: {path: /healthz, port: 8080}}\n"                          \
	"        readinessProbe: {httpGet: {path: /ready, port: 8080}}\n"                           \
	"        ports: [{containerPort: 8080}]\n"                                                  \
	"        securityContext:\n"                                                                \
	"          readOnlyRootFilesystem: true\n"                                                  \
	"          runAsUser: 10001\n"                                                              \
	"          runAsGroup: 10001\n"

#define GOOD_POD_SPEC                                                                              \
	"      serviceAccountName: app\n"                                                           \
	"      automountServiceAccountToken: false\n"                                               \
	"      containers:\n" GOOD_CTR

static const char good_deploy[] =
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata: {name: web}\n"
	"spec:\n"
	"  template:\n"
	"    spec:\n" GOOD_POD_SPEC;

/* The family alone, as admission runs it (no engine, nothing deferred to finish()). */
static void run_wl(struct th_run *r, struct wl_cfg *cfg, const char *yaml)
{
	struct wl_state st = { *cfg, NULL };
	th_scan(r, &kg_family_workload, &st, yaml);
}

TEST(clean_deployment_has_no_findings)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg, good_deploy);
	CHECK_INT(r.report.nfindings, 0);
	CHECK_INT(r.handled, 1);
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(non_pod_kinds_are_not_handled)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n");
	CHECK_INT(r.handled, 0);
	CHECK_INT(r.report.nfindings, 0);
	th_free(&r);
	wl_cfg_release(&cfg);
}

static const char bare_pod[] =
	"apiVersion: v1\n"
	"kind: Pod\n"
	"metadata: {name: bare}\n"
	"spec:\n"
	"  containers:\n"
	"  - name: app\n"
	"    image: nginx\n";

TEST(bare_pod_messages_and_positions)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg, bare_pod);
	const struct kg_finding *f;

	f = th_get(&r, "workload.cpu-requests", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "container 'app' has no CPU request; set resources.requests.cpu (e.g. 500m)");
		CHECK_STR(f->path, "spec.containers[0].resources.requests");
		CHECK_STR(f->container, "app");
		CHECK_INT(f->line, 6);
		CHECK_INT(f->col, 5);
	}
	CHECK(th_has(&r, "workload.cpu-limits", "container 'app' has no CPU limit; set resources.limits.cpu (e.g. 500m)"));
	CHECK(th_has(&r, "workload.memory-requests", "has no memory request; set resources.requests.memory (e.g. 256Mi)"));
	CHECK(th_has(&r, "workload.memory-limits", "has no memory limit; set resources.limits.memory (e.g. 256Mi)"));

	f = th_get(&r, "workload.readonly-root-fs", 0);
	CHECK(f != NULL);
	if (f)
		CHECK_STR(f->message, "container 'app' can write to its root filesystem (readOnlyRootFilesystem is not set); "
				      "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write");

	f = th_get(&r, "workload.uid-range", 0);
	CHECK(f != NULL);
	if (f)
		CHECK_STR(f->message, "container 'app' has no runAsUser, so the image decides its UID; set "
				      "securityContext.runAsUser to a UID in 10000 or above");
	CHECK(th_has(&r, "workload.gid-range", "has no runAsGroup, so the image decides its primary group"));

	f = th_get(&r, "image.latest-tag", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "container 'app' uses image nginx without a tag (that means :latest); use an immutable "
				      "version tag or pin a digest (@sha256:<digest>)");
		CHECK_INT(f->line, 7);
		CHECK_INT(f->col, 12);
		CHECK_STR(f->path, "spec.containers[0].image");
	}
	CHECK(th_has(&r, "image.no-digest", "container 'app' uses image nginx by tag, which the registry can repoint"));
	/* untagged image: the default pull policy is Always */
	CHECK_INT(th_count(&r, "image.pull-policy"), 0);

	CHECK(th_has(&r, "workload.liveness-probe", "container 'app' has no livenessProbe, so a hung process is never "
						    "restarted"));
	CHECK(th_has(&r, "workload.readiness-probe", "container 'app' has no readinessProbe"));

	f = th_get(&r, "workload.default-service-account", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "the pod runs as the namespace's default service account (serviceAccountName is not "
				      "set); create a dedicated ServiceAccount and set serviceAccountName");
		CHECK_STR(f->path, "spec.serviceAccountName");
		CHECK_INT(f->line, 5);
		CHECK_INT(f->col, 3);
	}
	CHECK(th_has(&r, "workload.automount-token", "the pod does not set automountServiceAccountToken: false, so an "
						     "API token for service account 'default' is mounted"));
	/* ephemeral-storage is off without a policy */
	CHECK_INT(th_count(&r, "workload.ephemeral-storage"), 0);
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(limits_alone_satisfy_requests_and_pod_level_resources_count)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	       "  resources: {limits: {memory: 1Gi}}\n"
	       "  containers:\n"
	       "  - name: a\n    image: x:1\n    resources: {limits: {cpu: '1'}}\n");
	CHECK_INT(th_count(&r, "workload.cpu-requests"), 0);
	CHECK_INT(th_count(&r, "workload.cpu-limits"), 0);
	CHECK_INT(th_count(&r, "workload.memory-requests"), 0);
	CHECK_INT(th_count(&r, "workload.memory-limits"), 0);
	th_free(&r);
	wl_cfg_release(&cfg);
}

static const char ephemeral_pods[] =
	"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
	"  - name: a\n    image: x:1\n";

TEST(ephemeral_storage_is_off_without_a_policy_that_enables_it)
{
	struct wl_cfg cfg;
	struct th_run r;
	struct kg_diag err;
	wl_cfg_default(&cfg);
	cfg.ephemeral_on = true; /* even when the family runs it, the policy decision drops it */
	run_wl(&r, &cfg, ephemeral_pods);
	CHECK_INT(th_count(&r, "workload.ephemeral-storage"), 0);
	th_free(&r);
	wl_cfg_from_policy(&cfg, NULL);
	CHECK(!cfg.ephemeral_on);
	th_scan(&r, NULL, NULL, ephemeral_pods);
	CHECK_INT(th_count(&r, "workload.ephemeral-storage"), 0);
	CHECK_INT(r.report.sum.suppressed, 0); /* not computed, so not counted as suppressed */
	th_free(&r);
	struct kg_policy *p = th_policy("version: 1\nrules:\n  workload.cpu-limits: off\n", &err);
	CHECK(p != NULL);
	wl_cfg_from_policy(&cfg, p);
	CHECK(!cfg.ephemeral_on);
	th_scan_policy(&r, NULL, NULL, p, ephemeral_pods);
	CHECK_INT(th_count(&r, "workload.ephemeral-storage"), 0);
	CHECK_INT(th_count(&r, "workload.cpu-limits"), 0);
	CHECK_INT(th_count(&r, "workload.cpu-requests"), 1);
	th_free(&r);
	kg_policy_free(p);
	wl_cfg_release(&cfg);
}

TEST(ephemeral_storage_when_enabled)
{
	struct wl_cfg cfg;
	struct th_run r;
	struct kg_diag err;
	struct kg_policy *p = th_policy("version: 1\nrules:\n  workload.ephemeral-storage: on\n", &err);
	CHECK(p != NULL);
	wl_cfg_default(&cfg);
	wl_cfg_from_policy(&cfg, p);
	CHECK(cfg.ephemeral_on);
	struct wl_state st = { cfg, NULL };
	th_scan_policy(&r, &kg_family_workload, &st, p,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
	       "  - name: a\n    image: x:1\n"
	       "  - name: b\n    image: x:1\n    resources: {requests: {ephemeral-storage: 1Gi}}\n"
	       "  - name: c\n    image: x:1\n    resources: {limits: {ephemeral-storage: 1Gi}}\n"
	       "  ephemeralContainers:\n  - name: d\n    image: x:1\n");
	CHECK_INT(th_count(&r, "workload.ephemeral-storage"), 2);
	CHECK(th_has(&r, "workload.ephemeral-storage", "container 'a' has no ephemeral-storage request or limit; set "
						       "resources.limits.ephemeral-storage (e.g. 1Gi) and a matching request"));
	CHECK(th_has(&r, "workload.ephemeral-storage", "container 'b' has no ephemeral-storage limit; set "
						       "resources.limits.ephemeral-storage (e.g. 1Gi)"));
	/* ephemeral containers cannot have resources: no resource findings for 'd' */
	for (size_t i = 0; i < r.report.nfindings; i++)
		if (!strncmp(r.report.findings[i].rule_id, "workload.cpu", 12) ||
		    !strncmp(r.report.findings[i].rule_id, "workload.mem", 12))
			CHECK(strcmp(r.report.findings[i].container, "d") != 0);
	th_free(&r);
	wl_cfg_release(&cfg);
	kg_policy_free(p);
}

TEST(parameters_from_a_policy_file)
{
	struct th_run r;
	struct kg_diag err;
	struct kg_policy *p = th_policy("version: 1\nparameters:\n  trustedRegistries: [ghcr.io/acme]\n"
					"  uidRange: {min: 1000, max: 1999}\n", &err);
	CHECK(p != NULL);
	th_scan_policy(&r, NULL, NULL, p,
		       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
		       "  - {name: a, image: 'ghcr.io/acme/app:1', securityContext: {runAsUser: 1500}}\n"
		       "  - {name: b, image: 'ghcr.io/other/app:1', securityContext: {runAsUser: 15000}}\n");
	CHECK_INT(th_count(&r, "image.untrusted-registry"), 1);
	CHECK(th_has(&r, "image.untrusted-registry", "container 'b' uses image ghcr.io/other/app:1 from registry ghcr.io, "
						     "which is not in trustedRegistries (ghcr.io/acme)"));
	CHECK_INT(th_count(&r, "workload.uid-range"), 1);
	CHECK(th_has(&r, "workload.uid-range", "container 'b' runs as UID 15000, outside the allowed range 1000-1999"));
	th_free(&r);
	kg_policy_free(p);

	/* a malformed parameter is rejected by the policy loader with its position */
	p = th_policy("version: 1\nparameters:\n  gidRange: \"abc\"\n", &err);
	CHECK(p == NULL);
	CHECK(strstr(err.message, "parameter gidRange: expected MIN-MAX, MIN- or -MAX") != NULL);
	CHECK_INT(err.line, 3);
	CHECK_INT(err.col, 13);
}

TEST(uid_gid_inheritance_from_pod)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	       "  securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [0, 20000]}\n"
	       "  containers:\n"
	       "  - name: a\n    image: x:1\n"
	       "  - name: b\n    image: x:1\n    securityContext: {runAsUser: 500, runAsGroup: 0}\n"
	       "  - name: c\n    image: x:1\n    securityContext: {runAsUser: 20000, runAsGroup: 20000}\n");
	const struct kg_finding *f;
	/* pod-level 1000 reported once (a inherits it), b's own 500 at b, c is fine */
	CHECK_INT(th_count(&r, "workload.uid-range"), 2);
	f = th_get(&r, "workload.uid-range", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "the pod's runAsUser 1000 (inherited by its containers) is outside the allowed range "
				      "10000 or above; use a UID in that range");
		CHECK_STR(f->path, "spec.securityContext.runAsUser");
		CHECK_INT(f->line, 5);
		CHECK_INT(f->col, 32);
	}
	CHECK(th_has(&r, "workload.uid-range", "container 'b' runs as UID 500, outside the allowed range 10000 or above"));
	/* gid: pod runAsGroup 3000, fsGroup 2000; b's runAsGroup 0 is root-group, not gid-range */
	CHECK_INT(th_count(&r, "workload.gid-range"), 2);
	CHECK(th_has(&r, "workload.gid-range", "the pod's runAsGroup 3000 is outside the allowed range 10000 or above; "
					       "use a GID in that range"));
	CHECK(th_has(&r, "workload.gid-range", "the pod's fsGroup 2000 is outside"));
	CHECK_INT(th_count(&r, "workload.root-group"), 2);
	CHECK(th_has(&r, "workload.root-group", "container 'b' runs with group root (runAsGroup: 0); set a non-zero "
						"runAsGroup such as 10001"));
	f = th_get(&r, "workload.root-group", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "the pod's supplementalGroups entry is 0 (group root); set a non-zero GID such as 10001");
		CHECK_STR(f->path, "spec.securityContext.supplementalGroups[0]");
	}
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(uid_zero_left_to_pss_and_user_namespaces_skip_ranges)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	       "  containers:\n  - name: a\n    image: x:1\n    securityContext: {runAsUser: 0, runAsGroup: 20000}\n"
	       "---\napiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n  hostUsers: false\n"
	       "  containers:\n  - name: a\n    image: x:1\n    securityContext: {runAsUser: 5}\n");
	CHECK_INT(th_count(&r, "workload.uid-range"), 0);
	CHECK_INT(th_count(&r, "workload.gid-range"), 0);
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(uid_range_parameter)
{
	struct wl_cfg cfg;
	struct th_run r;
	struct kg_diag err;
	wl_cfg_default(&cfg);
	/* parameter parsing through the public checker */
	struct kg_node s = { 0 };
	s.type = KG_STR;
	s.line = 4;
	s.col = 9;
	s.v.s = "1000-2000";
	s.len = 9;
	CHECK_INT(wl_cfg_set(&cfg, "uidRange", &s, &err), 1);
	CHECK_INT(cfg.uid.min, 1000);
	CHECK_INT(cfg.uid.max, 2000);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
	       "  - name: a\n    image: x:1\n    securityContext: {runAsUser: 1500}\n"
	       "  - name: b\n    image: x:1\n    securityContext: {runAsUser: 2500}\n");
	CHECK_INT(th_count(&r, "workload.uid-range"), 1);
	CHECK(th_has(&r, "workload.uid-range", "container 'b' runs as UID 2500, outside the allowed range 1000-2000"));
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(parameter_errors_have_text_and_position)
{
	struct kg_diag err;
	struct kg_node s = { 0 };
	s.type = KG_STR;
	s.line = 7;
	s.col = 13;
	s.v.s = "10000-abc";
	s.len = 9;
	CHECK_INT(kg_workload_param_check("uidRange", &s, &err), -1);
	CHECK_STR(err.message, "parameter uidRange: expected MIN-MAX, MIN- or -MAX with decimal IDs (e.g. \"10000-65535\")");
	CHECK_INT(err.line, 7);
	CHECK_INT(err.col, 13);
	s.v.s = "2000-1000";
	CHECK_INT(kg_workload_param_check("gidRange", &s, &err), -1);
	CHECK_STR(err.message, "parameter gidRange: the minimum is above the maximum");
	struct kg_node i = { 0 };
	i.type = KG_INT;
	i.v.i = -1;
	i.line = 2;
	i.col = 3;
	CHECK_INT(kg_workload_param_check("uidRange", &i, &err), -1);
	CHECK_STR(err.message, "parameter uidRange: must be between 0 and 2147483647");
	CHECK_INT(err.line, 2);
	struct kg_node b = { 0 };
	b.type = KG_BOOL;
	b.line = 9;
	b.col = 1;
	CHECK_INT(kg_workload_param_check("uidRange", &b, &err), -1);
	CHECK_STR(err.message, "parameter uidRange: expected an integer, a string \"MIN-MAX\" or a map {min, max}");
	CHECK_INT(kg_workload_param_check("trustedRegistries", &b, &err), -1);
	CHECK_STR(err.message, "parameter trustedRegistries: entries must be non-empty strings of at most 256 bytes");
	CHECK_INT(err.line, 9);
	CHECK_INT(kg_workload_param_check("somethingElse", &b, &err), 0);
	CHECK_INT(kg_rule_param_check("kubernetesVersion", &b, &err), -1);
	CHECK_STR(err.message, "parameter kubernetesVersion: expected a release such as \"v1.30\" or \"latest\"");
	i.v.i = 5000;
	CHECK_INT(kg_rule_param_check("gidRange", &i, &err), 1);
}

TEST(dangerous_capabilities)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
	       "  - name: a\n    image: x:1\n"
	       "    securityContext:\n      capabilities:\n        add: [NET_BIND_SERVICE, cap_sys_admin, CHOWN, NET_RAW]\n");
	CHECK_INT(th_count(&r, "workload.dangerous-capabilities"), 2);
	const struct kg_finding *f = th_get(&r, "workload.dangerous-capabilities", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "container 'a' adds capability SYS_ADMIN (mount, namespaces, cgroups and BPF maps: "
				      "close to full root on the node); remove it from capabilities.add, drop ALL and add "
				      "back only what the process needs");
		CHECK_STR(f->path, "spec.containers[0].securityContext.capabilities.add[1]");
		CHECK_INT(f->line, 10);
		CHECK_INT(f->col, 33);
	}
	CHECK(th_has(&r, "workload.dangerous-capabilities", "adds capability NET_RAW (crafts raw packets"));
	th_free(&r);

	/* the parameter replaces the list */
	struct kg_node item = { 0 }, *items[1] = { &item }, seq = { 0 };
	struct kg_diag err;
	item.type = KG_STR;
	item.v.s = "CHOWN";
	item.len = 5;
	seq.type = KG_SEQ;
	seq.len = 1;
	seq.v.items = items;
	CHECK_INT(wl_cfg_set(&cfg, "dangerousCapabilities", &seq, &err), 1);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
	       "  - name: a\n    image: x:1\n    securityContext: {capabilities: {add: [SYS_ADMIN, chown]}}\n");
	CHECK_INT(th_count(&r, "workload.dangerous-capabilities"), 1);
	CHECK(th_has(&r, "workload.dangerous-capabilities", "adds capability CHOWN (listed in the dangerousCapabilities "
							    "parameter)"));
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(host_paths_sockets_sensitive_writable)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg,
	       "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  template:\n    spec:\n"
	       "      containers:\n"
	       "      - name: a\n        image: x:1\n"
	       "        volumeMounts:\n"
	       "        - {name: sock, mountPath: /var/run/docker.sock, readOnly: true}\n"
	       "        - {name: etc, mountPath: /host/etc, readOnly: true}\n"
	       "        - {name: data, mountPath: /data}\n"
	       "        - {name: logs, mountPath: /logs}\n"
	       "      volumes:\n"
	       "      - {name: sock, hostPath: {path: //var/run/../run/docker.sock}}\n"
	       "      - {name: etc, hostPath: {path: /etc/}}\n"
	       "      - {name: data, hostPath: {path: /srv/data}}\n"
	       "      - {name: logs, hostPath: {path: /var}}\n"
	       "      - {name: root, hostPath: {path: /}}\n"
	       "      - {name: cache, emptyDir: {}}\n");
	const struct kg_finding *f;
	CHECK_INT(th_count(&r, "workload.runtime-socket"), 3); /* docker.sock, /var (holds /var/run), / */
	f = th_get(&r, "workload.runtime-socket", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "volume 'sock' mounts host path //var/run/../run/docker.sock and it is the runtime "
				      "socket docker.sock: whoever reaches it can start privileged containers on the node "
				      "(readOnly does not prevent that); remove the volume");
		CHECK_STR(f->path, "spec.template.spec.volumes[0].hostPath.path");
		CHECK_INT(f->line, 16);
		CHECK_INT(f->col, 39);
	}
	CHECK(th_has(&r, "workload.runtime-socket", "host path /var and it contains /var/run, which holds container "
						    "runtime sockets"));
	CHECK(th_has(&r, "workload.runtime-socket", "host path / and it is the host's root filesystem"));
	CHECK_INT(th_count(&r, "workload.sensitive-host-path"), 1);
	CHECK(th_has(&r, "workload.sensitive-host-path", "volume 'etc' mounts host path /etc/ and /etc is a sensitive "
							 "host directory; remove it or mount a narrow, non-sensitive "
							 "directory read-only"));
	/* writable: data only (etc is readOnly; sockets are reported by runtime-socket alone) */
	CHECK_INT(th_count(&r, "workload.writable-host-path"), 1);
	f = th_get(&r, "workload.writable-host-path", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "container 'a' mounts host path /srv/data (volume 'data') writable at /data; set "
				      "readOnly: true on the volumeMount");
		CHECK_STR(f->path, "spec.template.spec.containers[0].volumeMounts[2]");
		CHECK_STR(f->container, "a");
	}
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(sensitive_host_paths_parameter_adds)
{
	struct wl_cfg cfg;
	struct th_run r;
	struct kg_diag err;
	wl_cfg_default(&cfg);
	struct kg_node s = { 0 };
	s.type = KG_STR;
	s.v.s = "/srv/secrets";
	s.len = 12;
	CHECK_INT(wl_cfg_set(&cfg, "sensitiveHostPaths", &s, &err), 1);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: 'x:1'}]\n"
	       "  volumes:\n  - {name: s, hostPath: {path: /srv/secrets/app}}\n  - {name: t, hostPath: {path: /srv}}\n"
	       "  - {name: u, hostPath: {path: /srv/other}}\n");
	CHECK_INT(th_count(&r, "workload.sensitive-host-path"), 2);
	CHECK(th_has(&r, "workload.sensitive-host-path", "/srv/secrets/app and it lies under /srv/secrets"));
	CHECK(th_has(&r, "workload.sensitive-host-path", "/srv and it contains /srv/secrets"));
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(ports_ssh_privileged_host_aliases)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	       "  hostAliases: [{ip: 10.0.0.9, hostnames: [registry.example.com]}]\n"
	       "  containers:\n  - name: a\n    image: x:1\n"
	       "    ports: [{containerPort: 22}, {containerPort: 80}, {containerPort: 8080, hostPort: 443}, "
	       "{containerPort: 53, protocol: UDP}, {containerPort: 22, protocol: UDP}]\n");
	CHECK_INT(th_count(&r, "workload.ssh-port"), 1);
	CHECK(th_has(&r, "workload.ssh-port", "container 'a' exposes port 22 (SSH); remove the SSH server and use kubectl "
					      "exec or a debug container"));
	/* 80, hostPort 443, 53/UDP, 22/UDP (not SSH, still privileged) */
	CHECK_INT(th_count(&r, "workload.privileged-port"), 4);
	CHECK(th_has(&r, "workload.privileged-port", "container 'a' listens on privileged port 80 (needs root or "
						     "NET_BIND_SERVICE); listen on a port of 1024 or above and map 80 "
						     "in the Service"));
	CHECK(th_has(&r, "workload.privileged-port", "container 'a' binds privileged port 443 on the node (hostPort)"));
	const struct kg_finding *f = th_get(&r, "workload.host-aliases", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "the pod overrides /etc/hosts with 1 hostAliases entry (first: registry.example.com -> "
				      "10.0.0.9); publish the names in DNS instead");
		CHECK_INT(f->line, 5);
		CHECK_INT(f->col, 16);
	}
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(probes_skip_jobs_init_and_ephemeral_but_not_sidecars)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg,
	       "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n"
	       "      restartPolicy: Never\n      containers: [{name: a, image: 'x:1'}]\n"
	       "---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n"
	       "      template:\n        spec:\n          containers: [{name: a, image: 'x:1'}]\n"
	       "---\napiVersion: v1\nkind: Pod\nmetadata: {name: once}\nspec:\n  restartPolicy: OnFailure\n"
	       "  containers: [{name: a, image: 'x:1'}]\n");
	CHECK_INT(th_count(&r, "workload.liveness-probe"), 0);
	CHECK_INT(th_count(&r, "workload.readiness-probe"), 0);
	th_free(&r);

	run_wl(&r, &cfg,
	       "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n"
	       "      initContainers:\n      - {name: setup, image: 'x:1'}\n"
	       "      - {name: proxy, image: 'x:1', restartPolicy: Always}\n"
	       "      containers:\n      - {name: app, image: 'x:1', livenessProbe: {exec: {command: [true]}}}\n"
	       "      ephemeralContainers:\n      - {name: dbg, image: 'x:1'}\n");
	CHECK_INT(th_count(&r, "workload.liveness-probe"), 1);
	CHECK(th_has(&r, "workload.liveness-probe", "sidecar container 'proxy' has no livenessProbe"));
	CHECK_INT(th_count(&r, "workload.readiness-probe"), 2);
	CHECK(th_has(&r, "workload.readiness-probe", "container 'app' has no readinessProbe"));
	CHECK(th_has(&r, "workload.readiness-probe", "sidecar container 'proxy' has no readinessProbe"));
	th_free(&r);

	/* Knative defaults a readiness probe */
	run_wl(&r, &cfg,
	       "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: k}\nspec:\n  template:\n    spec:\n"
	       "      containers: [{name: a, image: 'x:1'}]\n");
	CHECK_INT(th_count(&r, "workload.readiness-probe"), 0);
	CHECK_INT(th_count(&r, "workload.liveness-probe"), 1);
	CHECK_INT(r.handled, 1);
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(service_account_rules)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	       "  serviceAccount: builder\n  serviceAccountName: deployer\n  automountServiceAccountToken: true\n"
	       "  containers: [{name: a, image: 'x:1'}]\n"
	       "---\napiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n  serviceAccount: default\n"
	       "  automountServiceAccountToken: false\n  containers: [{name: a, image: 'x:1'}]\n");
	const struct kg_finding *f = th_get(&r, "workload.deprecated-service-account", 0);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->message, "the pod sets the deprecated serviceAccount 'builder' and serviceAccountName "
				      "'deployer', which differ (the API server uses serviceAccountName); remove "
				      "serviceAccount");
		CHECK_INT(f->line, 5);
		CHECK_INT(f->col, 19);
	}
	CHECK(th_has(&r, "workload.deprecated-service-account", "the pod uses the deprecated field serviceAccount "
								"'default'; write serviceAccountName: default instead"));
	CHECK_INT(th_count(&r, "workload.default-service-account"), 1);
	CHECK(th_has(&r, "workload.default-service-account", "(named explicitly)"));
	CHECK_INT(th_count(&r, "workload.automount-token"), 1);
	CHECK(th_has(&r, "workload.automount-token", "the pod sets automountServiceAccountToken: true, so every container "
						     "gets an API token for service account 'deployer'"));
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(image_rules)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
	       "  - {name: a, image: 'registry:5000/app'}\n"
	       "  - {name: b, image: 'app:latest', imagePullPolicy: IfNotPresent}\n"
	       "  - {name: c, image: 'app:1.2'}\n"
	       "  - {name: d, image: 'app:1.2', imagePullPolicy: Never}\n"
	       "  - {name: e, image: 'app:latest@sha256:abc', imagePullPolicy: IfNotPresent}\n"
	       "  - {name: f, image: 'app:1.2', imagePullPolicy: Always}\n");
	CHECK_INT(th_count(&r, "image.latest-tag"), 2); /* a (port is not a tag), b */
	CHECK(th_has(&r, "image.latest-tag", "container 'a' uses image registry:5000/app without a tag"));
	CHECK(th_has(&r, "image.latest-tag", "container 'b' uses image app:latest; use an immutable"));
	CHECK_INT(th_count(&r, "image.no-digest"), 5);
	/* b (explicit IfNotPresent on latest), c (default IfNotPresent), d (Never) */
	CHECK_INT(th_count(&r, "image.pull-policy"), 3);
	CHECK(th_has(&r, "image.pull-policy", "container 'c' has no imagePullPolicy, so image app:1.2 (a mutable tag) "
					      "defaults to IfNotPresent and nodes keep whatever they pulled first; pin "
					      "the image by digest or set imagePullPolicy: Always"));
	CHECK(th_has(&r, "image.pull-policy", "container 'd' sets imagePullPolicy: Never for image app:1.2, a mutable "
					      "tag"));
	/* unrendered templates are not image references */
	th_free(&r);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
	       "  - {name: a, image: '${IMAGE}'}\n  - {name: b, image: '{{ .Values.image }}'}\n  - {name: c, image: ''}\n");
	CHECK_INT(th_count(&r, "image.latest-tag"), 0);
	CHECK_INT(th_count(&r, "image.no-digest"), 0);
	CHECK_INT(th_count(&r, "image.pull-policy"), 0);
	/* no trustedRegistries: silent */
	CHECK_INT(th_count(&r, "image.untrusted-registry"), 0);
	th_free(&r);

	struct kg_node e1 = { 0 }, e2 = { 0 }, *items[2] = { &e1, &e2 }, seq = { 0 };
	struct kg_diag err;
	e1.type = e2.type = KG_STR;
	e1.v.s = "registry.example.com/team";
	e1.len = (uint32_t)strlen(e1.v.s);
	e2.v.s = "*.azurecr.io";
	e2.len = (uint32_t)strlen(e2.v.s);
	seq.type = KG_SEQ;
	seq.len = 2;
	seq.v.items = items;
	CHECK_INT(wl_cfg_set(&cfg, "trustedRegistries", &seq, &err), 1);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
	       "  - {name: a, image: 'registry.example.com/team/app:1'}\n"
	       "  - {name: b, image: 'registry.example.com/teamx/app:1'}\n"
	       "  - {name: c, image: 'prod.azurecr.io/app:1'}\n"
	       "  - {name: d, image: 'nginx:1'}\n");
	CHECK_INT(th_count(&r, "image.untrusted-registry"), 2);
	CHECK(th_has(&r, "image.untrusted-registry", "container 'b' uses image registry.example.com/teamx/app:1 from "
						     "registry registry.example.com, which is not in trustedRegistries "
						     "(registry.example.com/team, *.azurecr.io); mirror the image into a "
						     "trusted registry"));
	CHECK(th_has(&r, "image.untrusted-registry", "container 'd' uses image nginx:1 from registry docker.io (no "
						     "registry written: Docker Hub)"));
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(windows_pods_skip_linux_fields)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg,
	       "apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  os: {name: windows}\n"
	       "  containers: [{name: a, image: 'x:1'}]\n");
	CHECK_INT(th_count(&r, "workload.readonly-root-fs"), 0);
	CHECK_INT(th_count(&r, "workload.uid-range"), 0);
	CHECK_INT(th_count(&r, "workload.gid-range"), 0);
	CHECK_INT(th_count(&r, "workload.cpu-limits"), 1);
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(crd_pod_templates_with_fan_out)
{
	struct wl_cfg cfg;
	struct th_run r;
	wl_cfg_default(&cfg);
	run_wl(&r, &cfg,
	       "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: rc}\nspec:\n"
	       "  headGroupSpec:\n    template:\n      spec:\n        containers: [{name: head, image: 'ray:latest'}]\n"
	       "  workerGroupSpecs:\n"
	       "  - template:\n      spec:\n        containers: [{name: w0, image: 'ray:latest'}]\n"
	       "  - template:\n      spec:\n        containers: [{name: w1, image: 'ray:latest'}]\n");
	CHECK_INT(th_count(&r, "image.latest-tag"), 3);
	const struct kg_finding *f = th_get(&r, "image.latest-tag", 2);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->path, "spec.workerGroupSpecs[1].template.spec.containers[0].image");
		CHECK_STR(f->container, "w1");
	}
	th_free(&r);
	run_wl(&r, &cfg,
	       "apiVersion: kubeflow.org/v1\nkind: PyTorchJob\nmetadata: {name: pj}\nspec:\n  pytorchReplicaSpecs:\n"
	       "    Master:\n      template:\n        spec:\n          containers: [{name: m, image: 'pt'}]\n"
	       "    Worker:\n      template:\n        spec:\n          containers: [{name: w, image: 'pt'}]\n");
	CHECK_INT(th_count(&r, "image.latest-tag"), 2);
	CHECK_INT(th_count(&r, "workload.liveness-probe"), 0); /* a Job-like kind */
	f = th_get(&r, "image.latest-tag", 1);
	CHECK(f != NULL);
	if (f)
		CHECK_STR(f->path, "spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].image");
	th_free(&r);
	run_wl(&r, &cfg,
	       "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: ro}\nspec:\n  template:\n    spec:\n"
	       "      containers: [{name: a, image: 'x'}]\n"
	       "---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: ref}\nspec:\n"
	       "  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: d}\n");
	CHECK_INT(th_count(&r, "image.latest-tag"), 1);
	CHECK_INT(r.handled, 2);
	th_free(&r);
	wl_cfg_release(&cfg);
}

TEST(engine_runs_the_family_and_the_catalog_lists_rules)
{
	struct th_run r;
	th_scan(&r, NULL, NULL, bare_pod);
	CHECK(th_count(&r, "workload.cpu-limits") == 1);
	CHECK(th_count(&r, "image.latest-tag") == 1);
	CHECK_INT(th_count(&r, "workload.ephemeral-storage"), 0);
	th_free(&r);
	for (int i = 0; i < WL_NRULES; i++) {
		const struct kg_rule *rule = kg_rule_find(kg_workload_rules[i].id);
		CHECK(rule == &kg_workload_rules[i]);
		CHECK(rule && *rule->title && *rule->description && *rule->remediation && *rule->references);
	}
	CHECK(kg_rule_default_off(kg_rule_find("workload.ephemeral-storage")));
	CHECK(!kg_rule_default_off(kg_rule_find("workload.cpu-limits")));
}
