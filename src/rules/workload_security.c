/* workload.readonly-root-fs, workload.uid-range, workload.gid-range, workload.root-group,
 * workload.dangerous-capabilities: security-context settings the Pod Security Standards leave
 * out or treat at one flat severity.
 *
 * Inheritance: runAsUser and runAsGroup set on the pod apply to every container that does not
 * set its own. A pod-level value is reported once, at the pod, when at least one container
 * inherits it; a container-level value at the container. fsGroup and supplementalGroups exist
 * only at pod level. Windows pods are skipped (these are Linux-only fields, rejected there). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../util/fmt.h"
#include "workload_priv.h"

/* Capabilities that give control over the node, with the reason shown in messages. */
static const struct {
	const char *name;
	const char *why;
} dangerous_caps[] = {
	{ "ALL", "every capability: equivalent to a privileged process for most purposes" },
	{ "SYS_ADMIN", "mount, namespaces, cgroups and BPF maps: close to full root on the node" },
	{ "SYS_MODULE", "loads kernel modules: arbitrary kernel code" },
	{ "SYS_PTRACE", "traces and injects into processes (other containers' with hostPID)" },
	{ "SYS_RAWIO", "raw I/O ports and /dev/mem access" },
	{ "SYS_BOOT", "reboots the node and loads new kernels" },
	{ "DAC_READ_SEARCH", "opens any host file by handle (the 'shocker' container escape)" },
	{ "NET_ADMIN", "reconfigures interfaces, routes and firewall rules of the network namespace" },
	{ "NET_RAW", "crafts raw packets: spoofing, ARP and DNS poisoning of neighbours" },
	{ "BPF", "loads BPF programs that can read kernel memory" },
	{ "PERFMON", "performance monitoring that exposes kernel addresses and other processes" },
	{ "MAC_ADMIN", "changes AppArmor/SELinux policy" },
	{ "MAC_OVERRIDE", "bypasses AppArmor/SELinux policy" },
	{ "SYSLOG", "reads kernel logs with kernel addresses and clears them" },
	{ "SYS_TIME", "sets the node's clock (breaks certificates and logs)" },
	{ "CHECKPOINT_RESTORE", "checkpoints and restores processes, including their credentials" },
};

/* Capability name as the runtimes read it: upper case, without the CAP_ prefix. */
static void cap_norm(const char *s, char *out, size_t size)
{
	if (!strncasecmp(s, "CAP_", 4))
		s += 4;
	size_t i = 0;
	for (; s[i] && i + 1 < size; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	out[i] = '\0';
}

static const char *cap_danger(const struct wl_cfg *cfg, const char *norm)
{
	if (cfg->ncaps) {
		char c[64];
		for (unsigned i = 0; i < cfg->ncaps; i++) {
			cap_norm(cfg->caps[i], c, sizeof(c));
			if (!strcmp(c, norm))
				return !strcmp(norm, "ALL") ? dangerous_caps[0].why : "listed in the dangerousCapabilities parameter";
		}
		return NULL;
	}
	for (size_t i = 0; i < sizeof(dangerous_caps) / sizeof(dangerous_caps[0]); i++)
		if (!strcmp(dangerous_caps[i].name, norm))
			return dangerous_caps[i].why;
	return NULL;
}

static void check_caps(const struct wl_pod *pod, const struct wl_ctr *ctr)
{
	const struct kg_node *add = kg_map_get(kg_map_get(ctr->sc, "capabilities"), "add");
	char norm[64], sub[64];
	if (!kg_is_seq(add))
		return;
	for (uint32_t i = 0; i < add->len; i++) {
		const char *s = kg_str(add->v.items[i]);
		if (!s)
			continue;
		cap_norm(s, norm, sizeof(norm));
		const char *why = cap_danger(pod->cfg, norm);
		if (!why)
			continue;
		kg_fmt(sub, sizeof(sub), "securityContext.capabilities.add[%u]", i);
		wl_emit(pod, ctr, WL_DANGEROUS_CAPS, add->v.items[i], sub,
			"%s adds capability %s (%s); remove it from capabilities.add, drop ALL and add back only "
			"what the process needs",
			ctr->label, norm, why);
	}
}

static void check_rootfs(const struct wl_pod *pod, const struct wl_ctr *ctr)
{
	const struct kg_node *v = kg_map_get(ctr->sc, "readOnlyRootFilesystem");
	if (kg_is_true(v))
		return;
	bool explicit_false = v && v->type == KG_BOOL;
	wl_emit(pod, ctr, WL_RO_ROOTFS, v, "securityContext.readOnlyRootFilesystem",
		"%s can write to its root filesystem (readOnlyRootFilesystem is %s); set "
		"securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write",
		ctr->label, explicit_false ? "false" : "not set");
}

static bool in_range(const struct wl_range *r, int64_t v)
{
	return v >= r->min && v <= r->max;
}

/* runAsUser / runAsGroup set on the container itself, or unset on both levels. */
static void check_ids(const struct wl_pod *pod, const struct wl_ctr *ctr)
{
	const char *rng = pod->cfg->uid_text;
	bool from_pod;
	int64_t id;
	if (pod->host_users_off)
		return;

	const struct kg_node *u = wl_effective(pod, ctr, "runAsUser", &from_pod);
	if (!u)
		wl_emit(pod, ctr, WL_UID_RANGE, ctr->sc, "securityContext.runAsUser",
			"%s has no runAsUser, so the image decides its UID; set securityContext.runAsUser to a UID in "
			"%s", ctr->label, rng);
	else if (!from_pod && kg_as_int(u, &id) && id != 0 && !in_range(&pod->cfg->uid, id))
		wl_emit(pod, ctr, WL_UID_RANGE, u, "securityContext.runAsUser",
			"%s runs as UID %lld, outside the allowed range %s; set securityContext.runAsUser to a UID "
			"in that range", ctr->label, (long long)id, rng);

	const struct kg_node *g = wl_effective(pod, ctr, "runAsGroup", &from_pod);
	rng = pod->cfg->gid_text;
	if (!g)
		wl_emit(pod, ctr, WL_GID_RANGE, ctr->sc, "securityContext.runAsGroup",
			"%s has no runAsGroup, so the image decides its primary group; set securityContext.runAsGroup "
			"to a GID in %s", ctr->label, rng);
	else if (!from_pod && kg_as_int(g, &id) && id != 0 && !in_range(&pod->cfg->gid, id))
		wl_emit(pod, ctr, WL_GID_RANGE, g, "securityContext.runAsGroup",
			"%s runs with GID %lld, outside the allowed range %s; set securityContext.runAsGroup to a GID "
			"in that range", ctr->label, (long long)id, rng);
}

static void check_root_group(const struct wl_pod *pod, const struct wl_ctr *ctr)
{
	const struct kg_node *g = kg_map_get(ctr->sc, "runAsGroup");
	int64_t id;
	if (kg_as_int(g, &id) && id == 0)
		wl_emit(pod, ctr, WL_ROOT_GROUP, g, "securityContext.runAsGroup",
			"%s runs with group root (runAsGroup: 0); set a non-zero runAsGroup such as 10001",
			ctr->label);
}

void wl_check_security(const struct wl_pod *pod, const struct wl_ctr *ctr)
{
	if (pod->windows)
		return;
	check_rootfs(pod, ctr);
	check_ids(pod, ctr);
	check_root_group(pod, ctr);
	check_caps(pod, ctr);
}

/* Whether at least one container leaves field to the pod. */
static bool inherited(const struct wl_pod *pod, const char *field)
{
	for (int k = 0; k < 3; k++) {
		const struct kg_node *list = kg_map_getn(pod->spec, kg_container_fields[k], kg_container_field_len[k]);
		if (!kg_is_seq(list))
			continue;
		for (uint32_t i = 0; i < list->len; i++) {
			const struct kg_node *v = kg_map_get(list->v.items[i], "securityContext");
			v = kg_map_get(kg_is_map(v) ? v : NULL, field);
			if (!v || v->type == KG_NULL)
				return true;
		}
	}
	return false;
}

static void pod_id(const struct wl_pod *pod, const char *field, const struct kg_node *v, const char *sub,
		   bool check_range, const struct wl_range *r, const char *rng, enum wl_rule_id range_rule,
		   const char *what)
{
	int64_t id;
	if (!kg_as_int(v, &id))
		return;
	if (id == 0) {
		wl_emit(pod, NULL, WL_ROOT_GROUP, v, sub,
			"the pod's %s is 0 (group root)%s; set a non-zero GID such as 10001", field,
			strcmp(field, "runAsGroup") ? "" : " and containers inherit it");
		return;
	}
	if (!check_range || in_range(r, id))
		return;
	wl_emit(pod, NULL, range_rule, v, sub, "the pod's %s %lld is outside the allowed range %s; use %s in that range",
		field, (long long)id, rng, what);
}

void wl_check_pod_security(const struct wl_pod *pod)
{
	char sub[96];
	if (pod->windows || !pod->psc)
		return;
	bool ranges = !pod->host_users_off;
	const struct kg_node *v = kg_map_get(pod->psc, "runAsUser");
	int64_t id;
	if (ranges && kg_as_int(v, &id) && id != 0 && !in_range(&pod->cfg->uid, id) && inherited(pod, "runAsUser")) {
		wl_emit(pod, NULL, WL_UID_RANGE, v, "securityContext.runAsUser",
			"the pod's runAsUser %lld (inherited by its containers) is outside the allowed range %s; use a "
			"UID in that range", (long long)id, pod->cfg->uid_text);
	}
	v = kg_map_get(pod->psc, "runAsGroup");
	const struct wl_range *gid = &pod->cfg->gid;
	const char *gtext = pod->cfg->gid_text;
	if (v && inherited(pod, "runAsGroup"))
		pod_id(pod, "runAsGroup", v, "securityContext.runAsGroup", ranges, gid, gtext, WL_GID_RANGE, "a GID");
	pod_id(pod, "fsGroup", kg_map_get(pod->psc, "fsGroup"), "securityContext.fsGroup", ranges, gid, gtext,
	       WL_GID_RANGE, "a GID");
	const struct kg_node *sg = kg_map_get(pod->psc, "supplementalGroups");
	if (kg_is_seq(sg))
		for (uint32_t i = 0; i < sg->len; i++) {
			kg_fmt(sub, sizeof(sub), "securityContext.supplementalGroups[%u]", i);
			pod_id(pod, "supplementalGroups entry", sg->v.items[i], sub, ranges, gid, gtext, WL_GID_RANGE,
			       "GIDs");
		}
}
