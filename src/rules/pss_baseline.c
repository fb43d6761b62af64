/* Pod Security Standards, baseline level: the checks that stop known privilege escalations.
 * Each function mirrors one upstream policy/check_<id>.go, version by version; the reading of
 * optional fields follows Go's decoding (see pss_priv.h and docs/pss.md). One finding per
 * offending field. */
#include <stdio.h>
#include <string.h>

#include "../util/fmt.h"
#include "pss_priv.h"

#define VALBUF 64

/* privileged: securityContext.privileged must not be true (v1.0+). */
void kg_pss_privileged(struct kg_pss_ctx *x)
{
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it)))
		if (kg_pss_bool(kg_map_get(ct->sc, "privileged")) == 1)
			kg_pss_emit_ct(x, ct, "securityContext.privileged",
				       "privileged: %s must not set securityContext.privileged=true; remove it (or set "
				       "it to false) and grant only the capabilities the process needs",
				       ct->label);
}

/* hostNamespaces: hostNetwork, hostPID and hostIPC must be unset or false (v1.0+). They are
 * plain bools in the PodSpec, so null reads as false. */
void kg_pss_host_namespaces(struct kg_pss_ctx *x)
{
	static const struct {
		const char *field, *what;
	} ns[] = {
		{ "hostNetwork", "the node's network namespace (its interfaces and localhost services)" },
		{ "hostPID", "the node's process namespace (every process on the node is visible)" },
		{ "hostIPC", "the node's IPC namespace (shared memory of host processes)" },
	};
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if (kg_pss_bool(kg_map_get(x->spec, ns[i].field)) == 1)
			kg_pss_emit_pod(x, ns[i].field,
					"host namespaces: the pod must not set %s=true, which shares %s; remove %s "
					"or set it to false",
					ns[i].field, ns[i].what, ns[i].field);
}

/* capabilities_baseline: securityContext.capabilities.add may only hold the container runtime's
 * default set (v1.0+). Exact, case-sensitive names as PSA compares them. */
static const char *const caps_default[] = {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", NULL,
};

void kg_pss_caps_baseline(struct kg_pss_ctx *x)
{
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it))) {
		const struct kg_node *add = kg_map_get(kg_pss_map(ct->sc, "capabilities"), "add");
		if (!kg_is_seq(add))
			continue;
		char bad[400] = "";
		for (uint32_t i = 0; i < add->len; i++) {
			char vb[VALBUF];
			struct kg_pss_str v = kg_pss_strv(add->v.items[i], vb, sizeof(vb));
			if (!kg_pss_str_in(v, caps_default))
				kg_pss_quote_append(bad, sizeof(bad), v.s);
		}
		if (bad[0])
			kg_pss_emit_ct(x, ct, "securityContext.capabilities.add",
				       "capabilities: %s must not include %s in securityContext.capabilities.add; "
				       "remove them (baseline allows only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, "
				       "FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, "
				       "SYS_CHROOT)",
				       ct->label, bad);
	}
}

/* hostPathVolumes: no volume may set hostPath (v1.0+). */
void kg_pss_host_path(struct kg_pss_ctx *x)
{
	const struct kg_node *vols = kg_map_get(x->spec, "volumes");
	if (!kg_is_seq(vols))
		return;
	for (uint32_t i = 0; i < vols->len; i++) {
		const struct kg_node *v = vols->v.items[i];
		const struct kg_node *hp = kg_map_get(v, "hostPath");
		if (!kg_pss_is_set(hp))
			continue;
		char base[KG_PSS_PATH_MAX], vb[VALBUF];
		kg_fmt(base, sizeof(base), "%s.volumes[%u]", x->spec_path, i);
		struct kg_pss_str name = kg_pss_strv(kg_map_get(v, "name"), vb, sizeof(vb));
		const char *path = kg_str(kg_map_get(hp, "path"));
		kg_pss_emit(x, v, base, "hostPath", NULL,
			    "hostPath volumes: volume \"%.200s\" mounts the node's %s%.200s%s; use a configMap, "
			    "secret, emptyDir, projected or persistentVolumeClaim volume instead",
			    name.s, path ? "path \"" : "filesystem", path ? path : "", path ? "\"" : "");
	}
}

/* hostPorts: no container port may set a non-zero hostPort (v1.0+). */
void kg_pss_host_ports(struct kg_pss_ctx *x)
{
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it))) {
		const struct kg_node *ports = kg_map_get(ct->node, "ports");
		if (!kg_is_seq(ports))
			continue;
		for (uint32_t i = 0; i < ports->len; i++) {
			const struct kg_node *p = ports->v.items[i];
			int64_t hp;
			if (!kg_as_int(kg_map_get(p, "hostPort"), &hp) || hp == 0)
				continue;
			char base[KG_PSS_PATH_MAX + 32];
			kg_fmt(base, sizeof(base), "%s.ports[%u]", ct->path, i);
			kg_pss_emit(x, p, base, "hostPort", ct->has_name ? ct->name : NULL,
				    "hostPort: %s uses hostPort %lld; remove hostPort and reach the container "
				    "through a Service instead",
				    ct->label, (long long)hp);
		}
	}
}

/* appArmorProfile (v1.0+): securityContext.appArmorProfile.type must be RuntimeDefault or
 * Localhost when the profile is set (pod and containers), and the beta annotations
 * container.apparmor.security.beta.kubernetes.io/<name> may only be empty, runtime/default or
 * localhost/<profile>. */
static void apparmor_field(struct kg_pss_ctx *x, const struct kg_node *sc, const struct kg_pss_container *ct)
{
	const struct kg_node *prof = kg_map_get(sc, "appArmorProfile");
	if (!kg_pss_is_set(prof))
		return;
	char vb[VALBUF];
	struct kg_pss_str t = kg_pss_strv(kg_map_get(prof, "type"), vb, sizeof(vb));
	if (kg_pss_str_eq(t, "RuntimeDefault") || kg_pss_str_eq(t, "Localhost"))
		return;
	const char *fmt = "forbidden AppArmor profile: %s must not set AppArmor profile type to \"%.100s\"; set "
			  "securityContext.appArmorProfile.type to RuntimeDefault or Localhost, or remove it";
	if (ct)
		kg_pss_emit_ct(x, ct, "securityContext.appArmorProfile.type", fmt, ct->label, t.s);
	else
		kg_pss_emit_pod(x, "securityContext.appArmorProfile.type", fmt, "the pod", t.s);
}

void kg_pss_apparmor(struct kg_pss_ctx *x)
{
	static const char prefix[] = "container.apparmor.security.beta.kubernetes.io/";
	apparmor_field(x, x->psc, NULL);
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it)))
		apparmor_field(x, ct->sc, ct);

	const struct kg_node *ann = kg_pss_map(x->meta, "annotations");
	if (!ann)
		return;
	for (uint32_t i = 0; i < ann->len; i++) {
		const struct kg_pair *p = &ann->v.pairs[i];
		if (p->key_len < sizeof(prefix) - 1 || memcmp(p->key, prefix, sizeof(prefix) - 1) != 0)
			continue;
		char vb[VALBUF];
		struct kg_pss_str v = kg_pss_strv(p->value, vb, sizeof(vb));
		if (v.len == 0 || kg_pss_str_eq(v, "runtime/default") || kg_pss_str_prefix(v, "localhost/"))
			continue;
		kg_pss_emit_annotation(x, p->key, p->value,
				       "forbidden AppArmor profile: annotation %.200s=\"%.100s\" is not allowed; use "
				       "runtime/default or localhost/<profile> (or securityContext.appArmorProfile)",
				       p->key, v.s);
	}
}

/* seLinuxOptions (v1.0+, container_engine_t allowed from v1.31): type only from the allowed
 * set or empty; user and role must be empty. Pod and containers. */
static const char *const selinux_types_1_0[] = { "", "container_t", "container_init_t", "container_kvm_t", NULL };
static const char *const selinux_types_1_31[] = {
	"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t", NULL,
};

static void selinux_one(struct kg_pss_ctx *x, const struct kg_node *sc, const struct kg_pss_container *ct)
{
	const struct kg_node *o = kg_map_get(sc, "seLinuxOptions");
	if (!kg_pss_is_set(o))
		return;
	const char *who = ct ? ct->label : "the pod";
	const char *const *allowed = x->minor >= 31 ? selinux_types_1_31 : selinux_types_1_0;
	char vb[VALBUF];
	struct kg_pss_str t = kg_pss_strv(kg_map_get(o, "type"), vb, sizeof(vb));
	if (!kg_pss_str_in(t, allowed)) {
		const char *fmt = "seLinuxOptions: %s must not set securityContext.seLinuxOptions.type to \"%.100s\"; "
				  "use container_t, container_init_t, container_kvm_t%s or leave it unset";
		const char *extra = x->minor >= 31 ? ", container_engine_t" : "";
		if (ct)
			kg_pss_emit_ct(x, ct, "securityContext.seLinuxOptions.type", fmt, who, t.s, extra);
		else
			kg_pss_emit_pod(x, "securityContext.seLinuxOptions.type", fmt, who, t.s, extra);
	}
	static const char *const fields[] = { "user", "role" };
	for (int f = 0; f < 2; f++) {
		struct kg_pss_str v = kg_pss_strv(kg_map_get(o, fields[f]), vb, sizeof(vb));
		if (!v.len)
			continue;
		char rel[64];
		kg_fmt(rel, sizeof(rel), "securityContext.seLinuxOptions.%s", fields[f]);
		const char *fmt = "seLinuxOptions: %s must not set securityContext.seLinuxOptions.%s (\"%.100s\"); "
				  "remove it, a custom SELinux %s may not be set";
		if (ct)
			kg_pss_emit_ct(x, ct, rel, fmt, who, fields[f], v.s, fields[f]);
		else
			kg_pss_emit_pod(x, rel, fmt, who, fields[f], v.s, fields[f]);
	}
}

void kg_pss_selinux(struct kg_pss_ctx *x)
{
	selinux_one(x, x->psc, NULL);
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it)))
		selinux_one(x, ct->sc, ct);
}

/* procMount: unset or "Default" (v1.0+); from v1.35 any value when the pod runs in a user
 * namespace (hostUsers: false). The restricted twin (v1.35+) drops that relaxation. */
void kg_pss_proc_mount_common(struct kg_pss_ctx *x, bool user_ns_hint)
{
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it))) {
		const struct kg_node *pm = kg_map_get(ct->sc, "procMount");
		if (!kg_pss_is_set(pm))
			continue;
		char vb[VALBUF];
		struct kg_pss_str v = kg_pss_strv(pm, vb, sizeof(vb));
		if (kg_pss_str_eq(v, "Default"))
			continue;
		kg_pss_emit_ct(x, ct, "securityContext.procMount",
			       "procMount: %s must not set securityContext.procMount to \"%.100s\"; remove it or "
			       "set it to Default%s",
			       ct->label, v.s, user_ns_hint ? " (or run the pod in a user namespace with hostUsers: false)" : "");
	}
}

void kg_pss_proc_mount(struct kg_pss_ctx *x)
{
	if (x->minor >= 35 && x->user_ns)
		return;
	kg_pss_proc_mount_common(x, x->minor >= 35);
}

/* seccompProfile_baseline: v1.0-v1.18 judge the alpha annotations (pod, and one per visited
 * container name): runtime/default, docker/default or localhost/<profile>; any other value,
 * including an empty one, is forbidden. v1.19+ judge securityContext.seccompProfile.type:
 * RuntimeDefault or Localhost when the profile is set. */
static bool seccomp_annotation_ok(struct kg_pss_str v)
{
	return kg_pss_str_eq(v, "runtime/default") || kg_pss_str_eq(v, "docker/default") ||
	       kg_pss_str_prefix(v, "localhost/");
}

static void seccomp_annotation(struct kg_pss_ctx *x, const struct kg_node *ann, const char *key)
{
	const struct kg_pair *p = kg_map_pair(ann, key);
	if (!p)
		return;
	char vb[VALBUF];
	struct kg_pss_str v = kg_pss_strv(p->value, vb, sizeof(vb));
	if (seccomp_annotation_ok(v))
		return;
	kg_pss_emit_annotation(x, key, p->value,
			       "seccompProfile: forbidden annotation %.200s=\"%.100s\"; use runtime/default or "
			       "localhost/<profile>",
			       key, v.s);
}

bool kg_pss_seccomp_field_bad(const struct kg_node *sc, char *vb, size_t size, struct kg_pss_str *type)
{
	const struct kg_node *prof = kg_map_get(sc, "seccompProfile");
	if (!kg_pss_is_set(prof))
		return false;
	*type = kg_pss_strv(kg_map_get(prof, "type"), vb, size);
	return !(kg_pss_str_eq(*type, "RuntimeDefault") || kg_pss_str_eq(*type, "Localhost"));
}

void kg_pss_seccomp_baseline(struct kg_pss_ctx *x)
{
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	if (x->minor < 19) {
		static const char prefix[] = "container.seccomp.security.alpha.kubernetes.io/";
		const struct kg_node *ann = kg_pss_map(x->meta, "annotations");
		if (!ann)
			return;
		seccomp_annotation(x, ann, "seccomp.security.alpha.kubernetes.io/pod");
		while ((ct = kg_pss_next_ct(x, &it))) {
			char key[sizeof(prefix) + 256];
			kg_fmt(key, sizeof(key), "%s%.255s", prefix, ct->name);
			seccomp_annotation(x, ann, key);
		}
		return;
	}
	const char *fmt = "seccompProfile: %s must not set securityContext.seccompProfile.type to \"%.100s\"; "
			  "use RuntimeDefault or Localhost";
	char vb[VALBUF];
	struct kg_pss_str t;
	if (kg_pss_seccomp_field_bad(x->psc, vb, sizeof(vb), &t))
		kg_pss_emit_pod(x, "securityContext.seccompProfile.type", fmt, "the pod", t.s);
	while ((ct = kg_pss_next_ct(x, &it)))
		if (kg_pss_seccomp_field_bad(ct->sc, vb, sizeof(vb), &t))
			kg_pss_emit_ct(x, ct, "securityContext.seccompProfile.type", fmt, ct->label, t.s);
}

/* sysctls: spec.securityContext.sysctls[*].name from the allow-list of the version; the list
 * only ever grew, so each name carries the version that admitted it. */
static const struct {
	const char *name;
	int since;
} sysctls_allowed[] = {
	{ "kernel.shm_rmid_forced", 0 },
	{ "net.ipv4.ip_local_port_range", 0 },
	{ "net.ipv4.tcp_syncookies", 0 },
	{ "net.ipv4.ping_group_range", 0 },
	{ "net.ipv4.ip_unprivileged_port_start", 0 },
	{ "net.ipv4.ip_local_reserved_ports", 27 },
	{ "net.ipv4.tcp_keepalive_time", 29 },
	{ "net.ipv4.tcp_fin_timeout", 29 },
	{ "net.ipv4.tcp_keepalive_intvl", 29 },
	{ "net.ipv4.tcp_keepalive_probes", 29 },
	{ "net.ipv4.tcp_rmem", 32 },
	{ "net.ipv4.tcp_wmem", 32 },
	{ "net.ipv4.tcp_slow_start_after_idle", 37 },
	{ "net.ipv4.tcp_notsent_lowat", 37 },
};

bool kg_pss_sysctl_allowed(struct kg_pss_str name, int minor)
{
	for (size_t i = 0; i < sizeof(sysctls_allowed) / sizeof(sysctls_allowed[0]); i++)
		if (sysctls_allowed[i].since <= minor && kg_pss_str_eq(name, sysctls_allowed[i].name))
			return true;
	return false;
}

void kg_pss_sysctls(struct kg_pss_ctx *x)
{
	const struct kg_node *list = kg_map_get(x->psc, "sysctls");
	if (!kg_is_seq(list))
		return;
	for (uint32_t i = 0; i < list->len; i++) {
		const struct kg_node *item = list->v.items[i];
		char vb[VALBUF];
		struct kg_pss_str name = kg_pss_strv(kg_map_get(item, "name"), vb, sizeof(vb));
		if (kg_pss_sysctl_allowed(name, x->minor))
			continue;
		char base[KG_PSS_PATH_MAX];
		kg_fmt(base, sizeof(base), "%s.securityContext.sysctls[%u]", x->spec_path, i);
		kg_pss_emit(x, item, base, "name", NULL,
			    "forbidden sysctl \"%.200s\": it is not in the baseline allow-list of policy v1.%d "
			    "(namespaced sysctls isolated from other pods); remove it",
			    name.s, x->minor);
	}
}

/* windowsHostProcess: securityContext.windowsOptions.hostProcess must not be true (pod and
 * containers, v1.0+). */
void kg_pss_windows_host_process(struct kg_pss_ctx *x)
{
	const char *fmt = "hostProcess: %s must not set securityContext.windowsOptions.hostProcess=true, which "
			  "runs it as a process on the Windows node with host access; remove it or set it to false";
	const char *rel = "securityContext.windowsOptions.hostProcess";
	/* rel below the securityContext maps the context already holds */
	if (kg_pss_bool(kg_map_get(kg_map_get(x->psc, "windowsOptions"), "hostProcess")) == 1)
		kg_pss_emit_pod(x, rel, fmt, "the pod");
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it)))
		if (kg_pss_bool(kg_map_get(kg_map_get(ct->sc, "windowsOptions"), "hostProcess")) == 1)
			kg_pss_emit_ct(x, ct, rel, fmt, ct->label);
}

/* hostProbesAndHostLifecycle (v1.34+): httpGet.host and tcpSocket.host of the liveness,
 * readiness and startup probes and of the postStart and preStop handlers must be empty. */
void kg_pss_host_probes(struct kg_pss_ctx *x)
{
	static const char *const kinds[] = { "httpGet", "tcpSocket" };
	static const char *const rels[][2] = {
		{ "livenessProbe.httpGet.host", "livenessProbe.tcpSocket.host" },
		{ "readinessProbe.httpGet.host", "readinessProbe.tcpSocket.host" },
		{ "startupProbe.httpGet.host", "startupProbe.tcpSocket.host" },
		{ "lifecycle.postStart.httpGet.host", "lifecycle.postStart.tcpSocket.host" },
		{ "lifecycle.preStop.httpGet.host", "lifecycle.preStop.tcpSocket.host" },
	};
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it))) {
		const struct kg_node *lc = kg_map_get(ct->node, "lifecycle");
		const struct kg_node *handlers[] = {
			kg_map_get(ct->node, "livenessProbe"), kg_map_get(ct->node, "readinessProbe"),
			kg_map_get(ct->node, "startupProbe"), kg_map_get(lc, "postStart"), kg_map_get(lc, "preStop"),
		};
		for (size_t h = 0; h < sizeof(handlers) / sizeof(handlers[0]); h++) {
			const struct kg_node *handler = handlers[h];
			if (!kg_is_map(handler))
				continue;
			for (size_t k = 0; k < 2; k++) {
				char vb[VALBUF];
				const char *rel = rels[h][k];
				struct kg_pss_str host = kg_pss_strv(kg_map_get(kg_map_get(handler, kinds[k]), "host"), vb,
								     sizeof(vb));
				if (!host.len)
					continue;
				kg_pss_emit_ct(x, ct, rel,
					       "probe or lifecycle host: %s uses probe or lifecycle host \"%.200s\" in "
					       "%s; remove host so that the kubelet targets the pod's own IP",
					       ct->label, host.s, rel);
			}
		}
	}
}
