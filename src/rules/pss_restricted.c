/* Pod Security Standards, restricted level: the hardening checks. Each function mirrors one
 * upstream policy/check_<id>.go, version by version (Windows exemptions from v1.25, user
 * namespace relaxations from v1.35). Where PSA reports "pod or containers must set X" for fields
 * left unset, kguard reports each such container, unless the pod itself sets the field to a bad
 * value: that pod-level finding already covers them. */
#include <stdio.h>
#include <string.h>

#include "../util/fmt.h"
#include "pss_priv.h"

#define VALBUF 64

/* allowPrivilegeEscalation (v1.8+): every container must set it to false explicitly; Windows
 * pods (spec.os.name: windows) are exempt from v1.25, the field being Linux-only. */
void kg_pss_allow_priv_esc(struct kg_pss_ctx *x)
{
	if (x->minor >= 25 && x->windows)
		return;
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it))) {
		int v = kg_pss_bool(kg_map_get(ct->sc, "allowPrivilegeEscalation"));
		if (v == 0)
			continue;
		kg_pss_emit_ct(x, ct, "securityContext.allowPrivilegeEscalation",
			       "allowPrivilegeEscalation != false: %s must set securityContext.allowPrivilegeEscalation="
			       "false (it is %s), so that setuid binaries and file capabilities cannot raise its "
			       "privileges",
			       ct->label, v == 1 ? "true" : "not set");
	}
}

/* capabilities_restricted (v1.22+, replaces capabilities_baseline): drop must include "ALL" and
 * add may only hold NET_BIND_SERVICE; Windows pods are exempt from v1.25. */
void kg_pss_caps_restricted(struct kg_pss_ctx *x)
{
	if (x->minor >= 25 && x->windows)
		return;
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it))) {
		const struct kg_node *caps = kg_pss_map(ct->sc, "capabilities");
		const struct kg_node *drop = kg_map_get(caps, "drop");
		bool dropped_all = false;
		char vb[VALBUF];
		if (kg_is_seq(drop))
			for (uint32_t i = 0; i < drop->len && !dropped_all; i++)
				dropped_all = kg_pss_str_eq(kg_pss_strv(drop->v.items[i], vb, sizeof(vb)), "ALL");
		if (!dropped_all)
			kg_pss_emit_ct(x, ct, "securityContext.capabilities.drop",
				       "unrestricted capabilities: %s must set securityContext.capabilities.drop="
				       "[\"ALL\"]; drop ALL and add back only NET_BIND_SERVICE if it binds a port "
				       "below 1024",
				       ct->label);
		const struct kg_node *add = kg_map_get(caps, "add");
		if (!kg_is_seq(add))
			continue;
		char bad[400] = "";
		for (uint32_t i = 0; i < add->len; i++) {
			struct kg_pss_str v = kg_pss_strv(add->v.items[i], vb, sizeof(vb));
			if (!kg_pss_str_eq(v, "NET_BIND_SERVICE"))
				kg_pss_quote_append(bad, sizeof(bad), v.s);
		}
		if (bad[0])
			kg_pss_emit_ct(x, ct, "securityContext.capabilities.add",
				       "unrestricted capabilities: %s must not include %s in "
				       "securityContext.capabilities.add; only NET_BIND_SERVICE may be added",
				       ct->label, bad);
	}
}

/* procMount_restricted (v1.35+, replaces procMount): unset or "Default", user namespace or not. */
void kg_pss_proc_mount_restricted(struct kg_pss_ctx *x)
{
	kg_pss_proc_mount_common(x, false);
}

/* restrictedVolumes (v1.0+, replaces hostPathVolumes): only configMap, csi, downwardAPI,
 * emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret. Every other source the
 * API knows is listed below; a volume with none of them set is one the API server defaults to
 * emptyDir (unknown keys are dropped when decoding), so it passes. */
static const char *const volumes_restricted[] = {
	"hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs",
	"rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte",
	"azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos", NULL,
};

void kg_pss_restricted_volumes(struct kg_pss_ctx *x)
{
	const struct kg_node *vols = kg_map_get(x->spec, "volumes");
	if (!kg_is_seq(vols))
		return;
	for (uint32_t i = 0; i < vols->len; i++) {
		const struct kg_node *v = vols->v.items[i];
		if (!kg_is_map(v))
			continue; /* null decodes to a volume with no source: defaulted to emptyDir */
		char base[KG_PSS_PATH_MAX], vb[VALBUF];
		kg_fmt(base, sizeof(base), "%s.volumes[%u]", x->spec_path, i);
		struct kg_pss_str name = kg_pss_strv(kg_map_get(v, "name"), vb, sizeof(vb));
		/* A volume with two sources is invalid; PSA would let it pass when one of them is
		 * allowed, kguard reports every restricted source it sees. */
		for (const char *const *k = volumes_restricted; *k; k++) {
			if (!kg_pss_is_set(kg_map_get(v, *k)))
				continue;
			kg_pss_emit(x, v, base, *k, NULL,
				    "restricted volume types: volume \"%.200s\" uses restricted volume type \"%s\"; "
				    "use configMap, csi, downwardAPI, emptyDir, ephemeral, image, "
				    "persistentVolumeClaim, projected or secret",
				    name.s, *k);
		}
	}
}

/* runAsNonRoot (v1.0+): the pod must set it to true, or every container must; false anywhere
 * is forbidden. From v1.35 a pod with hostUsers: false is exempt. */
void kg_pss_run_as_non_root(struct kg_pss_ctx *x)
{
	if (x->minor >= 35 && x->user_ns)
		return;
	int pod = kg_pss_bool(kg_map_get(x->psc, "runAsNonRoot"));
	if (pod == 0)
		kg_pss_emit_pod(x, "securityContext.runAsNonRoot",
				"runAsNonRoot != true: the pod must not set securityContext.runAsNonRoot=false; set it "
				"to true and give the image a non-zero user");
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it))) {
		int v = kg_pss_bool(kg_map_get(ct->sc, "runAsNonRoot"));
		if (v == 0)
			kg_pss_emit_ct(x, ct, "securityContext.runAsNonRoot",
				       "runAsNonRoot != true: %s must not set securityContext.runAsNonRoot=false; set "
				       "it to true (or remove it when the pod sets it to true)",
				       ct->label);
		else if (v < 0 && pod < 0)
			kg_pss_emit_ct(x, ct, "securityContext.runAsNonRoot",
				       "runAsNonRoot != true: pod or %s must set securityContext.runAsNonRoot=true; "
				       "set it once in the pod's securityContext to cover every container",
				       ct->label);
	}
}

/* runAsUser (v1.23+): neither the pod nor a container may set runAsUser to 0. From v1.35 a pod
 * with hostUsers: false is exempt. */
void kg_pss_run_as_user(struct kg_pss_ctx *x)
{
	if (x->minor >= 35 && x->user_ns)
		return;
	const char *fmt = "runAsUser=0: %s must not set runAsUser=0; run as a non-zero UID%s";
	const char *hint = x->minor >= 35 ? " (or run the pod in a user namespace with hostUsers: false)" : "";
	int64_t uid;
	if (kg_as_int(kg_map_get(x->psc, "runAsUser"), &uid) && uid == 0)
		kg_pss_emit_pod(x, "securityContext.runAsUser", fmt, "the pod", hint);
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it)))
		if (kg_as_int(kg_map_get(ct->sc, "runAsUser"), &uid) && uid == 0)
			kg_pss_emit_ct(x, ct, "securityContext.runAsUser", fmt, ct->label, hint);
}

/* seccompProfile_restricted (v1.19+, replaces seccompProfile_baseline): the pod, or else every
 * container, must set seccompProfile.type to RuntimeDefault or Localhost; Windows pods are
 * exempt from v1.25. */
void kg_pss_seccomp_restricted(struct kg_pss_ctx *x)
{
	if (x->minor >= 25 && x->windows)
		return;
	const char *fmt = "seccompProfile: %s must not set securityContext.seccompProfile.type to \"%.100s\"; "
			  "use RuntimeDefault or Localhost";
	const struct kg_node *psc = x->psc;
	bool pod_set = kg_pss_is_set(kg_map_get(psc, "seccompProfile"));
	char vb[VALBUF];
	struct kg_pss_str t;
	if (kg_pss_seccomp_field_bad(psc, vb, sizeof(vb), &t))
		kg_pss_emit_pod(x, "securityContext.seccompProfile.type", fmt, "the pod", t.s);
	struct kg_pss_iter it = { 0 };
	const struct kg_pss_container *ct;
	while ((ct = kg_pss_next_ct(x, &it))) {
		if (kg_pss_is_set(kg_map_get(ct->sc, "seccompProfile"))) {
			if (kg_pss_seccomp_field_bad(ct->sc, vb, sizeof(vb), &t))
				kg_pss_emit_ct(x, ct, "securityContext.seccompProfile.type", fmt, ct->label, t.s);
		} else if (!pod_set) {
			kg_pss_emit_ct(x, ct, "securityContext.seccompProfile.type",
				       "seccompProfile: pod or %s must set securityContext.seccompProfile.type to "
				       "\"RuntimeDefault\" or \"Localhost\"; set it once in the pod's securityContext "
				       "to cover every container",
				       ct->label);
		}
	}
}
