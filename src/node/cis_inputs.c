/* Finding and loading each component's settings: static pod manifests (flags from command and
 * args, container env), snap args files, systemd units with their environment files, the
 * kubelet, kube-proxy and etcd config files, and on a live node the running processes'
 * command lines. Candidate paths follow kube-bench's cfg/config.yaml. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/k8s.h"
#include "cis_priv.h"

enum fmt { FMT_POD, FMT_ADDON, FMT_ARGS, FMT_UNIT, FMT_ETCDCONF, FMT_ETCDYAML };

struct cand {
	const char *path;
	enum fmt fmt;
};

static const struct cand apiserver_confs[] = {
	{ "/etc/kubernetes/manifests/kube-apiserver.yaml", FMT_POD },
	{ "/etc/kubernetes/manifests/kube-apiserver.yml", FMT_POD },
	{ "/etc/kubernetes/manifests/kube-apiserver.manifest", FMT_POD },
	{ "/var/snap/kube-apiserver/current/args", FMT_ARGS },
	{ "/var/snap/microk8s/current/args/kube-apiserver", FMT_ARGS },
	{ "/etc/kubernetes/manifests/talos-kube-apiserver.yaml", FMT_POD },
	{ "/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml", FMT_POD },
	{ NULL, FMT_POD },
};

static const struct cand scheduler_confs[] = {
	{ "/etc/kubernetes/manifests/kube-scheduler.yaml", FMT_POD },
	{ "/etc/kubernetes/manifests/kube-scheduler.yml", FMT_POD },
	{ "/etc/kubernetes/manifests/kube-scheduler.manifest", FMT_POD },
	{ "/var/snap/kube-scheduler/current/args", FMT_ARGS },
	{ "/var/snap/microk8s/current/args/kube-scheduler", FMT_ARGS },
	{ "/etc/kubernetes/manifests/talos-kube-scheduler.yaml", FMT_POD },
	{ "/var/lib/rancher/rke2/agent/pod-manifests/kube-scheduler.yaml", FMT_POD },
	{ NULL, FMT_POD },
};

static const struct cand cm_confs[] = {
	{ "/etc/kubernetes/manifests/kube-controller-manager.yaml", FMT_POD },
	{ "/etc/kubernetes/manifests/kube-controller-manager.yml", FMT_POD },
	{ "/etc/kubernetes/manifests/kube-controller-manager.manifest", FMT_POD },
	{ "/var/snap/kube-controller-manager/current/args", FMT_ARGS },
	{ "/var/snap/microk8s/current/args/kube-controller-manager", FMT_ARGS },
	{ "/etc/kubernetes/manifests/talos-kube-controller-manager.yaml", FMT_POD },
	{ "/var/lib/rancher/rke2/agent/pod-manifests/kube-controller-manager.yaml", FMT_POD },
	{ NULL, FMT_POD },
};

static const struct cand etcd_confs[] = {
	{ "/etc/kubernetes/manifests/etcd.yaml", FMT_POD },
	{ "/etc/kubernetes/manifests/etcd.yml", FMT_POD },
	{ "/etc/kubernetes/manifests/etcd.manifest", FMT_POD },
	{ "/var/lib/rancher/rke2/agent/pod-manifests/etcd.yaml", FMT_POD },
	{ "/etc/etcd/etcd.conf", FMT_ETCDCONF },
	{ "/var/snap/etcd/common/etcd.conf.yml", FMT_ETCDYAML },
	{ "/var/snap/etcd/common/etcd.conf.yaml", FMT_ETCDYAML },
	{ "/var/snap/microk8s/current/args/etcd", FMT_ARGS },
	{ "/etc/systemd/system/etcd.service", FMT_UNIT },
	{ "/usr/lib/systemd/system/etcd.service", FMT_UNIT },
	{ "/lib/systemd/system/etcd.service", FMT_UNIT },
	{ "/var/lib/rancher/rke2/server/db/etcd/config", FMT_ETCDYAML },
	{ "/var/lib/rancher/k3s/server/db/etcd/config", FMT_ETCDYAML },
	{ NULL, FMT_POD },
};

static const struct cand proxy_confs[] = {
	{ "/etc/kubernetes/addons/kube-proxy-daemonset.yaml", FMT_ADDON },
	{ "/etc/kubernetes/addons/kube-proxy-daemonset.yml", FMT_ADDON },
	{ "/var/snap/kube-proxy/current/args", FMT_ARGS },
	{ "/var/snap/microk8s/current/args/kube-proxy", FMT_ARGS },
	{ "/etc/systemd/system/kube-proxy.service", FMT_UNIT },
	{ "/usr/lib/systemd/system/kube-proxy.service", FMT_UNIT },
	{ "/lib/systemd/system/kube-proxy.service", FMT_UNIT },
	{ NULL, FMT_POD },
};

static const struct cand kubelet_args[] = {
	{ "/var/snap/microk8s/current/args/kubelet", FMT_ARGS },
	{ "/var/snap/kubelet/current/args", FMT_ARGS },
	{ NULL, FMT_POD },
};

/* KubeletConfiguration files among kube-bench's kubelet "confs" (the others are unit files,
 * env files or kubeconfigs, read elsewhere) */
static const char *const kubelet_configs[] = {
	"/etc/kubernetes/kubelet-config.yaml", "/etc/kubernetes/kubelet/kubelet-config.json", "/var/lib/kubelet/config.yaml",
	"/var/lib/kubelet/config.yml", "/etc/kubernetes/kubelet/config.json", "/etc/kubernetes/kubelet/config",
	"/home/kubernetes/kubelet-config.yaml", "/home/kubernetes/kubelet-config.yml", "/etc/default/kubeletconfig.json",
	"/etc/kubernetes/kubelet.yaml", NULL,
};

/* systemd's unit search path, highest priority first */
static const char *const unit_dirs[] = {
	"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system",
	"/lib/systemd/system", NULL,
};
static const char *const kubelet_units[] = { "kubelet.service", "snap.kubelet.daemon.service",
					     "snap.microk8s.daemon-kubelet.service", NULL };

const char *const kg_cis_etcd_datadirs[] = { "/var/lib/etcd/default.etcd", "/var/lib/etcd/data.etcd",
					     "/var/lib/rancher/k3s/server/db/etcd", NULL };
const char *const kg_cis_kubelet_cafiles[] = {
	"/var/lib/rancher/rke2/agent/client-ca.crt", "/var/lib/rancher/rke2/server/tls/server-ca.crt",
	"/etc/kubernetes/pki/ca.crt", "/etc/kubernetes/certs/ca.crt", "/etc/kubernetes/cert/ca.pem",
	"/var/snap/microk8s/current/certs/ca.crt", "/var/lib/rancher/rke2/agent/server.crt",
	"/var/lib/rancher/k3s/agent/client-ca.crt", NULL,
};
const char *const kg_cis_kubelet_kubeconfigs[] = {
	"/etc/kubernetes/kubelet.conf", "/etc/kubernetes/kubelet-kubeconfig.conf", "/var/lib/kubelet/kubeconfig",
	"/etc/kubernetes/kubelet-kubeconfig", "/etc/kubernetes/kubelet/kubeconfig", "/etc/kubernetes/ssl/kubecfg-kube-node.yaml",
	"/var/snap/microk8s/current/credentials/kubelet.config", "/etc/kubernetes/kubeconfig-kubelet",
	"/var/lib/rancher/rke2/agent/kubelet.kubeconfig", "/var/lib/rancher/k3s/agent/kubelet.kubeconfig", NULL,
};
const char *const kg_cis_proxy_kubeconfigs[] = {
	"/etc/kubernetes/kubelet-kubeconfig", "/etc/kubernetes/kubelet-kubeconfig.conf", "/etc/kubernetes/kubelet/config",
	"/etc/kubernetes/ssl/kubecfg-kube-proxy.yaml", "/var/lib/kubelet/kubeconfig",
	"/var/snap/microk8s/current/credentials/proxy.config", "/var/lib/rancher/rke2/agent/kubeproxy.kubeconfig",
	"/var/lib/rancher/k3s/agent/kubeproxy.kubeconfig", "/etc/kubernetes/proxy.conf", NULL,
};
const char *const kg_cis_sched_kubeconfigs[] = {
	"/etc/kubernetes/scheduler.conf", "/var/lib/kube-scheduler/kubeconfig", "/var/lib/kube-scheduler/config.yaml",
	"/var/lib/rancher/rke2/server/cred/scheduler.kubeconfig", "/system/secrets/kubernetes/kube-scheduler/kubeconfig", NULL,
};
const char *const kg_cis_cm_kubeconfigs[] = {
	"/etc/kubernetes/controller-manager.conf", "/var/lib/kube-controller-manager/kubeconfig",
	"/var/lib/rancher/rke2/server/cred/controller.kubeconfig",
	"/system/secrets/kubernetes/kube-controller-manager/kubeconfig", NULL,
};

struct comp_def {
	const char *name;
	const char *bins[3];      /* program names (basename of argv[0]) */
	const char *subcmds[3];   /* hyperkube SUBCOMMAND */
	const struct cand *confs;
};

static const struct comp_def defs[KG_CIS_NCOMP] = {
	[KG_CIS_APISERVER] = { "kube-apiserver", { "kube-apiserver", NULL, NULL }, { "apiserver", "kube-apiserver", NULL },
			       apiserver_confs },
	[KG_CIS_CONTROLLERMANAGER] = { "kube-controller-manager", { "kube-controller-manager", "kube-controller", NULL },
				       { "controller-manager", "kube-controller-manager", NULL }, cm_confs },
	[KG_CIS_SCHEDULER] = { "kube-scheduler", { "kube-scheduler", NULL, NULL }, { "scheduler", "kube-scheduler", NULL },
			       scheduler_confs },
	[KG_CIS_ETCD] = { "etcd", { "etcd", NULL, NULL }, { NULL, NULL, NULL }, etcd_confs },
	[KG_CIS_KUBELET] = { "kubelet", { "kubelet", NULL, NULL }, { "kubelet", NULL, NULL }, kubelet_args },
	[KG_CIS_PROXY] = { "kube-proxy", { "kube-proxy", NULL, NULL }, { "proxy", "kube-proxy", NULL }, proxy_confs },
};

const char *kg_cis_first_existing(struct kg_cis_run *run, const char *const *paths)
{
	for (size_t i = 0; paths[i]; i++)
		if (kg_cis_exists(run, paths[i]))
			return paths[i];
	return NULL;
}

const char *kg_cis_looked_for(struct kg_cis_run *run, const char *const *paths)
{
	size_t n = 0;
	while (paths[n])
		n++;
	if (n == 1)
		return paths[0];
	if (n == 2)
		return kg_arena_printf(&run->arena, "%s and %s", paths[0], paths[1]);
	return kg_arena_printf(&run->arena, "%s and %zu other places", paths[0], n - 1);
}

static const char *const *cand_paths(struct kg_cis_run *run, const struct cand *c)
{
	size_t n = 0;
	while (c[n].path)
		n++;
	const char **v = kg_arena_alloc(&run->arena, (n + 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = c[i].path;
	v[n] = NULL;
	return v;
}

const char *kg_cis_conf_default(enum kg_cis_comp_id id)
{
	return defs[id].confs[0].path;
}

const char *kg_cis_conf_looked(struct kg_cis_run *run, enum kg_cis_comp_id id)
{
	return kg_cis_looked_for(run, cand_paths(run, defs[id].confs));
}

/* --- documents --- */

static struct kg_node *clone(struct kg_arena *a, const struct kg_node *n)
{
	struct kg_node *c = kg_arena_alloc(a, sizeof(*c));
	*c = *n;
	c->flags &= (uint8_t)~KG_NODE_ALIASED;
	if (n->text)
		c->text = kg_arena_strdup(a, n->text);
	switch (n->type) {
	case KG_STR: {
		char *s = kg_arena_alloc(a, (size_t)n->len + 1);
		memcpy(s, n->v.s, n->len);
		s[n->len] = '\0';
		c->v.s = s;
		break;
	}
	case KG_MAP:
		c->v.pairs = n->len ? kg_arena_alloc(a, n->len * sizeof(*c->v.pairs)) : NULL;
		for (uint32_t i = 0; i < n->len; i++) {
			c->v.pairs[i] = n->v.pairs[i];
			c->v.pairs[i].key = kg_arena_strndup(a, n->v.pairs[i].key, n->v.pairs[i].key_len);
			c->v.pairs[i].value = clone(a, n->v.pairs[i].value);
		}
		break;
	case KG_SEQ:
		c->v.items = n->len ? kg_arena_alloc(a, n->len * sizeof(*c->v.items)) : NULL;
		for (uint32_t i = 0; i < n->len; i++)
			c->v.items[i] = clone(a, n->v.items[i]);
		break;
	default:
		break;
	}
	return c;
}

struct docsink {
	struct kg_cis_run *run;
	const char *file;
	const struct kg_node *root;
	bool too_big;
};

static int on_doc(void *ctx, const struct kg_doc *doc)
{
	struct docsink *s = ctx;
	s->run->report->sum.documents++;
	if (doc->root->weight > KG_CIS_MAX_NODES) {
		kg_cis_error(s->run, s->file, doc->line, 1, "document has more than %u nodes", KG_CIS_MAX_NODES);
		s->too_big = true;
		return 1;
	}
	s->root = clone(&s->run->arena, doc->root);
	return 1; /* a config file holds one document; the rest is not read */
}

static void on_error(void *ctx, const struct kg_diag *d)
{
	struct docsink *s = ctx;
	kg_report_error(s->run->report, d);
}

const struct kg_node *kg_cis_load_doc(struct kg_cis_run *run, const char *np, bool report_missing)
{
	struct kg_buf b;
	struct kg_diag err;
	bool missing;
	const char *disp = kg_cis_display(run, np);
	kg_buf_init(&b, KG_CIS_MAX_FILE);
	if (kg_cis_read(run, np, &b, &missing, &err)) {
		if (!missing || report_missing)
			kg_report_error(run->report, &err);
		kg_buf_release(&b);
		return NULL;
	}
	run->report->sum.files++;
	struct docsink s = { run, disp, NULL, false };
	struct kg_load_sink sink = { &s, on_doc, on_error };
	int nerr = kg_loader_buffer(run->loader, disp, b.data, b.len, &sink);
	kg_buf_release(&b);
	if (!s.root && !s.too_big && !nerr) /* a syntax error already says why */
		kg_cis_error(run, disp, 0, 0, "no YAML or JSON document in the file");
	if (s.root)
		run->report->sum.objects++;
	return s.root;
}

static const char *kind_of(const struct kg_node *root)
{
	return kg_str(kg_map_get(root, "kind"));
}

/* A config document that must be a map of a given kind (when it names one). */
const struct kg_node *kg_cis_load_config(struct kg_cis_run *run, const char *np, const char *kind,
					 const struct kg_cis_loc *ref, const char *what)
{
	if (ref && !kg_cis_exists(run, np)) {
		kg_cis_error(run, ref->file, ref->line, ref->col, "%s points to %s, which does not exist", what,
			     kg_cis_display(run, np));
		return NULL;
	}
	const struct kg_node *root = kg_cis_load_doc(run, np, true);
	if (!root)
		return NULL;
	const char *disp = kg_cis_display(run, np);
	if (!kg_is_map(root)) {
		kg_cis_error(run, disp, root->line, root->col, "expected a %s object, found %s", kind,
			     kg_type_name((enum kg_type)root->type));
		return NULL;
	}
	const char *k = kind_of(root);
	if (k && strcmp(k, kind)) {
		const struct kg_node *kn = kg_map_get(root, "kind");
		kg_cis_error(run, disp, kn->line, kn->col, "expected kind %s, found '%s'", kind, k);
		return NULL;
	}
	return root;
}

/* --- static pods --- */

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static bool is_bin(const struct comp_def *d, const char *argv0, const char *argv1, bool *hyper)
{
	const char *b = base_name(argv0);
	*hyper = false;
	for (int i = 0; i < 3 && d->bins[i]; i++)
		if (!strcmp(b, d->bins[i]))
			return true;
	if (!strcmp(b, "hyperkube") && argv1)
		for (int i = 0; i < 3 && d->subcmds[i]; i++)
			if (!strcmp(argv1, d->subcmds[i]))
				return *hyper = true;
	return false;
}

/* Kubernetes' $(VAR) expansion in command and args, from the container's literal env values */
static const char *expand_k8s(struct kg_cis_run *run, const char *s, const struct kg_cis_var *vars, size_t n)
{
	if (!strchr(s, '$'))
		return s;
	struct kg_buf b;
	kg_buf_init(&b, KG_CIS_MAX_FILE);
	for (const char *p = s; *p;) {
		if (p[0] == '$' && p[1] == '$') {
			kg_buf_addc(&b, '$');
			p += 2;
		} else if (p[0] == '$' && p[1] == '(' && strchr(p, ')')) {
			const char *end = strchr(p, ')');
			char *name = kg_arena_strndup(&run->arena, p + 2, (size_t)(end - p - 2));
			const struct kg_cis_var *v = kg_cis_var_get(vars, n, name);
			if (v)
				kg_buf_adds(&b, v->value);
			else
				kg_buf_add(&b, p, (size_t)(end - p + 1));
			p = end + 1;
		} else {
			kg_buf_addc(&b, *p++);
		}
	}
	const char *r = kg_arena_strndup(&run->arena, b.data ? b.data : "", b.len);
	kg_buf_release(&b);
	return r;
}

static void add_words(struct kg_cis_run *run, struct kg_cis_comp *c, const struct kg_node *seq, const char *disp,
		      const char *path, size_t skip, size_t *alloc)
{
	for (uint32_t j = (uint32_t)skip; j < seq->len; j++) {
		const struct kg_node *w = seq->v.items[j];
		const char *wpath = kg_arena_printf(&run->arena, "%s[%u]", path, j);
		if (w->type != KG_STR) {
			kg_cis_error(run, disp, w->line, w->col, "%s must be a string, not %s (the kubelet rejects this manifest)",
				     wpath, kg_type_name((enum kg_type)w->type));
			continue;
		}
		c->args = kg_cis_grow(&run->arena, c->args, alloc, c->nargs + 1, sizeof(*c->args));
		struct kg_cis_arg *a = &c->args[c->nargs++];
		a->text = expand_k8s(run, w->v.s, c->env, c->nenv);
		a->at = (struct kg_cis_loc){ disp, w->line, w->col, wpath, &c->obj };
	}
}

static bool load_pod(struct kg_cis_run *run, enum kg_cis_comp_id id, const char *np, enum fmt fmt)
{
	struct kg_cis_comp *c = &run->comp[id];
	const struct comp_def *d = &defs[id];
	const struct kg_node *root = kg_cis_load_doc(run, np, true);
	const char *disp = kg_cis_display(run, np);
	if (!root)
		return false;
	struct kg_object obj;
	if (!kg_object_init(&obj, root, NULL, NULL)) {
		kg_cis_error(run, disp, root->line, root->col, "expected a Pod, found %s", kg_type_name((enum kg_type)root->type));
		return false;
	}
	const struct kg_node *spec;
	const char *spec_path;
	if (fmt == FMT_POD) {
		if (!obj.kind || strcmp(obj.kind, "Pod")) {
			const struct kg_node *kn = kg_map_get(root, "kind");
			kg_cis_error(run, disp, kn ? kn->line : root->line, kn ? kn->col : root->col,
				     "expected a static Pod manifest, found %s%s%s", obj.kind ? "kind '" : "no kind",
				     obj.kind ? obj.kind : "", obj.kind ? "'" : "");
			return false;
		}
		spec = kg_map_get(root, "spec");
		spec_path = "spec";
	} else {
		struct kg_pod_ref ref;
		if (!kg_pod_locate(&obj, &ref)) {
			kg_cis_error(run, disp, root->line, root->col, "expected a workload with a pod template");
			return false;
		}
		spec = ref.spec;
		spec_path = ref.spec_path;
	}
	const struct kg_node *ctrs = kg_map_get(spec, "containers");
	if (!kg_is_seq(ctrs) || !ctrs->len) {
		const struct kg_node *at = ctrs ? ctrs : spec ? spec : root;
		kg_cis_error(run, disp, at->line, at->col, "%s.containers: the pod has no containers", spec_path);
		return false;
	}
	/* the container named like the component, else the one running its program, else the only one */
	int pick = -1;
	for (uint32_t i = 0; i < ctrs->len && pick < 0; i++) {
		const char *nm = kg_str(kg_map_get(ctrs->v.items[i], "name"));
		if (nm && !strcmp(nm, d->name))
			pick = (int)i;
	}
	for (uint32_t i = 0; i < ctrs->len && pick < 0; i++) {
		const struct kg_node *cmd = kg_map_get(ctrs->v.items[i], "command");
		const char *a0 = kg_str(kg_seq_at(cmd, 0)), *a1 = kg_str(kg_seq_at(cmd, 1));
		bool hyper;
		if (a0 && is_bin(d, a0, a1, &hyper))
			pick = (int)i;
	}
	if (pick < 0 && ctrs->len == 1)
		pick = 0;
	if (pick < 0) {
		kg_cis_error(run, disp, ctrs->line, ctrs->col, "%s.containers: no container runs %s", spec_path, d->name);
		return false;
	}
	const struct kg_node *ctr = ctrs->v.items[pick];
	if (!kg_is_map(ctr)) {
		kg_cis_error(run, disp, ctr->line, ctr->col, "%s.containers[%d] must be an object", spec_path, pick);
		return false;
	}
	const char *cpath = kg_arena_printf(&run->arena, "%s.containers[%d]", spec_path, pick);
	c->obj.api_version = obj.api_version;
	c->obj.kind = obj.kind;
	c->obj.name = obj.name;
	c->obj.namespace_ = obj.namespace_;
	/* env first: command and args may refer to it */
	const struct kg_node *env = kg_map_get(ctr, "env");
	size_t aenv = 0, aargs = 0;
	for (uint32_t i = 0; kg_is_seq(env) && i < env->len && c->nenv < KG_CIS_MAX_VARS; i++) {
		const struct kg_node *e = env->v.items[i];
		const char *nm = kg_str(kg_map_get(e, "name")), *val = kg_str(kg_map_get(e, "value"));
		if (!nm || !val)
			continue; /* valueFrom cannot be known from the node's files */
		c->env = kg_cis_grow(&run->arena, c->env, &aenv, c->nenv + 1, sizeof(*c->env));
		const struct kg_node *vn = kg_map_get(e, "value");
		c->env[c->nenv++] = (struct kg_cis_var){
			nm, val, { disp, vn->line, vn->col, kg_arena_printf(&run->arena, "%s.env[%u].value", cpath, i), &c->obj }
		};
	}
	const struct kg_pair *cmd = kg_map_pair(ctr, "command"), *args = kg_map_pair(ctr, "args");
	if (cmd && kg_is_seq(cmd->value)) {
		const struct kg_node *a0 = kg_seq_at(cmd->value, 0), *a1 = kg_seq_at(cmd->value, 1);
		bool hyper = false;
		if (a0 && a0->type == KG_STR)
			is_bin(d, a0->v.s, a1 ? kg_str(a1) : NULL, &hyper);
		add_words(run, c, cmd->value, disp, kg_arena_printf(&run->arena, "%s.command", cpath), hyper ? 2 : 1, &aargs);
	}
	if (args && kg_is_seq(args->value))
		add_words(run, c, args->value, disp, kg_arena_printf(&run->arena, "%s.args", cpath), 0, &aargs);
	const struct kg_pair *anchor = cmd ? cmd : args;
	c->anchor = anchor ? (struct kg_cis_loc){ disp, anchor->line, anchor->col,
						 kg_arena_printf(&run->arena, "%s.%s", cpath, anchor->key), &c->obj }
			   : (struct kg_cis_loc){ disp, ctr->line, ctr->col, cpath, &c->obj };
	return true;
}

/* --- args files, units, env files --- */

static bool load_args(struct kg_cis_run *run, struct kg_cis_comp *c, const char *np)
{
	struct kg_buf b;
	struct kg_diag err;
	bool missing;
	const char *disp = kg_cis_display(run, np);
	kg_buf_init(&b, KG_CIS_MAX_FILE);
	if (kg_cis_read(run, np, &b, &missing, &err)) {
		kg_report_error(run->report, &err);
		kg_buf_release(&b);
		return false;
	}
	run->report->sum.files++;
	size_t alloc = 0;
	unsigned lineno = 0;
	bool ok = true;
	for (char *line = b.data; line && *line && ok;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		lineno++;
		const char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != '#') {
			struct kg_cis_loc at = { disp, lineno, 1, NULL, NULL };
			if (kg_cis_split_words(&run->arena, line, len, &at, &c->args, &c->nargs, &alloc, &err)) {
				kg_report_error(run->report, &err);
				ok = false;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	kg_buf_release(&b);
	c->anchor = (struct kg_cis_loc){ disp, 0, 0, NULL, NULL };
	return ok;
}

/* Read env files of a unit into *vars (after its Environment= lines). */
static void unit_env(struct kg_cis_run *run, struct kg_cis_unit *u, struct kg_cis_var **vars, size_t *nvars)
{
	size_t alloc = 0;
	*vars = NULL;
	*nvars = 0;
	for (size_t i = 0; i < u->nenv; i++) {
		*vars = kg_cis_grow(&run->arena, *vars, &alloc, *nvars + 1, sizeof(**vars));
		(*vars)[(*nvars)++] = u->env[i];
	}
	for (size_t i = 0; i < u->nfiles; i++) {
		struct kg_buf b;
		struct kg_diag err;
		bool missing;
		const char *np = kg_cis_abs(run, u->files[i].path);
		kg_buf_init(&b, KG_CIS_MAX_FILE);
		if (kg_cis_read(run, np, &b, &missing, &err)) {
			if (!(missing && u->files[i].optional))
				kg_cis_error(run, u->files[i].at.file, u->files[i].at.line, u->files[i].at.col,
					     "EnvironmentFile=%s: %s", u->files[i].path, err.message);
		} else {
			run->report->sum.files++;
			if (kg_cis_envfile_parse(&run->arena, kg_cis_display(run, np), b.data, b.len, vars, nvars, &alloc, &err))
				kg_report_error(run->report, &err);
		}
		kg_buf_release(&b);
	}
}

/* Parse a unit (and optionally its drop-ins), expand ExecStart into c->args. */
static bool load_unit(struct kg_cis_run *run, struct kg_cis_comp *c, const char *const *files, size_t nfiles)
{
	struct kg_cis_unit u;
	kg_cis_unit_init(&u, &run->arena);
	for (size_t i = 0; i < nfiles; i++) {
		struct kg_buf b;
		struct kg_diag err;
		bool missing;
		kg_buf_init(&b, KG_CIS_MAX_FILE);
		if (kg_cis_read(run, files[i], &b, &missing, &err)) {
			kg_report_error(run->report, &err);
		} else {
			run->report->sum.files++;
			if (kg_cis_unit_parse(&u, kg_cis_display(run, files[i]), b.data, b.len, &err))
				kg_report_error(run->report, &err);
		}
		kg_buf_release(&b);
	}
	struct kg_cis_var *vars;
	size_t nvars;
	unit_env(run, &u, &vars, &nvars);
	c->env = vars;
	c->nenv = nvars;
	if (!u.exec) {
		kg_cis_error(run, kg_cis_display(run, files[0]), 0, 0, "no ExecStart= for %s in the unit%s", c->name,
			     nfiles > 1 ? " or its drop-ins" : "");
		return false;
	}
	const char *argv0;
	struct kg_diag err;
	if (kg_cis_exec_expand(&run->arena, u.exec, &u.exec_at, vars, nvars, &argv0, &c->args, &c->nargs, &err)) {
		kg_report_error(run->report, &err);
		return false;
	}
	c->anchor = u.exec_at;
	return true;
}

static const char **kubelet_unit_files(struct kg_cis_run *run, size_t *n)
{
	const char **v = NULL;
	size_t alloc = 0;
	const char *main_unit = NULL, *unit_name = NULL;
	*n = 0;
	for (size_t u = 0; kubelet_units[u] && !main_unit; u++)
		for (size_t d = 0; unit_dirs[d] && !main_unit; d++) {
			const char *p = kg_arena_printf(&run->arena, "%s/%s", unit_dirs[d], kubelet_units[u]);
			if (kg_cis_exists(run, p)) {
				main_unit = p;
				unit_name = kubelet_units[u];
			}
		}
	if (main_unit) {
		v = kg_cis_grow(&run->arena, v, &alloc, 1, sizeof(*v));
		v[(*n)++] = main_unit;
	}
	/* drop-ins: NAME.d/<file>.conf in every unit directory; a file name in an earlier directory hides
	 * the same name in later ones; applied in file-name order */
	const char **names = NULL, **paths = NULL;
	size_t nn = 0, an = 0, ap = 0;
	for (size_t d = 0; unit_dirs[d]; d++) {
		const char *dir = kg_arena_printf(&run->arena, "%s/%s.d", unit_dirs[d], unit_name ? unit_name : "kubelet.service");
		const char **ents;
		size_t ne = kg_cis_list(run, dir, &ents);
		for (size_t i = 0; i < ne; i++) {
			size_t len = strlen(ents[i]);
			if (len < 6 || strcmp(ents[i] + len - 5, ".conf"))
				continue;
			bool seen = false;
			for (size_t k = 0; k < nn && !seen; k++)
				seen = !strcmp(names[k], ents[i]);
			if (seen)
				continue;
			names = kg_cis_grow(&run->arena, (void *)names, &an, nn + 1, sizeof(*names));
			paths = kg_cis_grow(&run->arena, (void *)paths, &ap, nn + 1, sizeof(*paths));
			names[nn] = ents[i];
			paths[nn++] = kg_arena_printf(&run->arena, "%s/%s", dir, ents[i]);
		}
	}
	for (size_t i = 1; i < nn; i++) /* insertion sort by name */
		for (size_t k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
			const char *t = names[k];
			names[k] = names[k - 1];
			names[k - 1] = t;
			t = paths[k];
			paths[k] = paths[k - 1];
			paths[k - 1] = t;
		}
	for (size_t i = 0; i < nn; i++) {
		if (!kg_cis_exists(run, paths[i]))
			continue;
		v = kg_cis_grow(&run->arena, v, &alloc, *n + 1, sizeof(*v));
		v[(*n)++] = paths[i];
	}
	return v;
}

/* --- processes (live node) --- */

static bool read_small(const char *path, struct kg_buf *b)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return false;
	char chunk[4096];
	size_t n;
	kg_buf_reset(b);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (kg_buf_add(b, chunk, n))
			break;
	fclose(fp);
	return b->len > 0;
}

static int pid_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

/* The lowest pid running the component; its argv after the program into c->args. */
static bool find_process(struct kg_cis_run *run, enum kg_cis_comp_id id, bool load)
{
	struct kg_cis_comp *c = &run->comp[id];
	DIR *d = run->opts.proc_dir ? opendir(run->opts.proc_dir) : NULL;
	if (!d)
		return false;
	long *pids = NULL;
	size_t np = 0, ap = 0;
	struct dirent *e;
	while ((e = readdir(d)) && np < 1000000) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || end == e->d_name || pid <= 0)
			continue;
		pids = kg_cis_grow(&run->arena, pids, &ap, np + 1, sizeof(*pids));
		pids[np++] = pid;
	}
	closedir(d);
	if (np)
		qsort(pids, np, sizeof(*pids), pid_cmp);
	struct kg_buf b;
	kg_buf_init(&b, 1u << 20);
	bool found = false;
	for (size_t i = 0; i < np && !found; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%ld/cmdline", run->opts.proc_dir, pids[i]);
		if (!read_small(path, &b))
			continue;
		kg_buf_addc(&b, '\0');
		const char *argv0 = b.data, *argv1 = argv0 + strlen(argv0) + 1;
		if (argv1 >= b.data + b.len - 1)
			argv1 = NULL;
		bool hyper;
		if (!is_bin(&defs[id], argv0, argv1, &hyper))
			continue;
		found = true;
		if (!load)
			break;
		c->pid = (int)pids[i];
		const char *disp = kg_arena_printf(&run->arena, "%s/%ld/cmdline", run->opts.proc_dir, pids[i]);
		size_t alloc = 0, skip = hyper ? 2 : 1, k = 0;
		for (const char *p = b.data; p < b.data + b.len - 1; p += strlen(p) + 1, k++) {
			if (k < skip)
				continue;
			if (c->nargs >= KG_CIS_MAX_ARGS)
				break;
			c->args = kg_cis_grow(&run->arena, c->args, &alloc, c->nargs + 1, sizeof(*c->args));
			c->args[c->nargs++] = (struct kg_cis_arg){ kg_arena_strdup(&run->arena, p), { disp, 0, 0, NULL, NULL } };
		}
		c->anchor = (struct kg_cis_loc){ disp, 0, 0, NULL, NULL };
		if (id == KG_CIS_ETCD) { /* etcd reads ETCD_* from its environment */
			snprintf(path, sizeof(path), "%s/%ld/environ", run->opts.proc_dir, pids[i]);
			const char *edisp = kg_arena_printf(&run->arena, "%s/%ld/environ", run->opts.proc_dir, pids[i]);
			size_t aenv = 0;
			c->nenv = 0;
			if (read_small(path, &b)) {
				kg_buf_addc(&b, '\0');
				for (const char *p = b.data; p < b.data + b.len - 1; p += strlen(p) + 1) {
					const char *eq = strchr(p, '=');
					if (strncmp(p, "ETCD_", 5) || !eq || c->nenv >= KG_CIS_MAX_VARS)
						continue;
					c->env = kg_cis_grow(&run->arena, c->env, &aenv, c->nenv + 1, sizeof(*c->env));
					c->env[c->nenv++] = (struct kg_cis_var){ kg_arena_strndup(&run->arena, p, (size_t)(eq - p)),
										 kg_arena_strdup(&run->arena, eq + 1),
										 { edisp, 0, 0, NULL, NULL } };
				}
			}
		}
	}
	kg_buf_release(&b);
	return found;
}

/* --- detection and loading --- */

static const char *first_cand(struct kg_cis_run *run, const struct cand *c, enum fmt *fmt)
{
	for (size_t i = 0; c[i].path; i++)
		if (kg_cis_exists(run, c[i].path)) {
			*fmt = c[i].fmt;
			return c[i].path;
		}
	return NULL;
}

void kg_cis_detect(struct kg_cis_run *run)
{
	for (int id = 0; id < KG_CIS_NCOMP; id++) {
		struct kg_cis_comp *c = &run->comp[id];
		enum fmt fmt;
		c->name = defs[id].name;
		c->exists = first_cand(run, defs[id].confs, &fmt) != NULL;
		if (id == KG_CIS_KUBELET && !c->exists) {
			size_t n;
			kubelet_unit_files(run, &n);
			c->exists = n > 0 || kg_cis_first_existing(run, kubelet_configs) ||
				    kg_cis_exists(run, "/var/lib/kubelet/kubeadm-flags.env");
		}
		if (!c->exists && run->opts.proc_dir)
			c->exists = find_process(run, (enum kg_cis_comp_id)id, false);
		if (!c->exists) {
			const char *where = id == KG_CIS_KUBELET
						    ? kg_arena_printf(&run->arena, "kubelet.service and its drop-ins, kubeadm-flags.env, %s",
								      kg_cis_looked_for(run, kubelet_configs))
						    : kg_cis_looked_for(run, cand_paths(run, defs[id].confs));
			c->absent = kg_arena_printf(&run->arena, "no %s configuration found (looked for %s%s)", c->name, where,
						    run->opts.proc_dir ? " and running processes" : "");
		}
	}
}

/* etcd.conf is either KEY=VALUE lines (ETCD_*) or etcd's YAML config */
static bool is_env_style(struct kg_cis_run *run, const char *np)
{
	struct kg_buf b;
	struct kg_diag err;
	bool missing, env = false;
	kg_buf_init(&b, KG_CIS_MAX_FILE);
	if (!kg_cis_read(run, np, &b, &missing, &err))
		for (const char *p = b.data; p && *p && !env;) {
			while (*p == ' ' || *p == '\t')
				p++;
			env = !strncmp(p, "ETCD_", 5) && strchr(p, '=') && (!strchr(p, '\n') || strchr(p, '=') < strchr(p, '\n'));
			p = strchr(p, '\n');
			p = p ? p + 1 : NULL;
		}
	kg_buf_release(&b);
	return env;
}

static bool load_etcd_config(struct kg_cis_run *run, struct kg_cis_comp *c, const char *np, const struct kg_cis_loc *ref)
{
	const struct kg_node *root = NULL;
	if (ref && !kg_cis_exists(run, np)) {
		kg_cis_error(run, ref->file, ref->line, ref->col, "--config-file points to %s, which does not exist",
			     kg_cis_display(run, np));
		return false;
	}
	root = kg_cis_load_doc(run, np, true);
	if (!root)
		return false;
	if (!kg_is_map(root)) {
		kg_cis_error(run, kg_cis_display(run, np), root->line, root->col, "expected etcd's YAML configuration (an object)");
		return false;
	}
	c->config = root;
	c->config_path = np;
	c->config_file = kg_cis_display(run, np);
	c->config_exclusive = true; /* etcd ignores flags and ETCD_* variables when --config-file is set */
	if (!ref)
		c->anchor = (struct kg_cis_loc){ c->config_file, 0, 0, NULL, NULL };
	return true;
}

static bool load_files(struct kg_cis_run *run, enum kg_cis_comp_id id)
{
	struct kg_cis_comp *c = &run->comp[id];
	enum fmt fmt;
	if (id == KG_CIS_KUBELET) {
		size_t n;
		const char **units = kubelet_unit_files(run, &n);
		c->units = units;
		c->nunits = n;
		if (n) { /* drop-ins without the main unit still define the command line */
			c->src_path = units[0];
			return load_unit(run, c, units, n);
		}
		const char *args = first_cand(run, kubelet_args, &fmt);
		if (args) {
			c->src_path = args;
			return load_args(run, c, args);
		}
		/* kubeadm's layout without its drop-in: the flags it would pass */
		static const char *const envfiles[] = { "/var/lib/kubelet/kubeadm-flags.env", "/etc/default/kubelet",
							"/etc/sysconfig/kubelet", NULL };
		bool any = false;
		size_t alloc = 0;
		for (size_t i = 0; envfiles[i]; i++) {
			struct kg_buf b;
			struct kg_diag err;
			bool missing;
			kg_buf_init(&b, KG_CIS_MAX_FILE);
			if (!kg_cis_read(run, envfiles[i], &b, &missing, &err)) {
				struct kg_cis_var *vars = NULL;
				size_t nv = 0, av = 0;
				run->report->sum.files++;
				if (kg_cis_envfile_parse(&run->arena, kg_cis_display(run, envfiles[i]), b.data, b.len, &vars, &nv, &av, &err))
					kg_report_error(run->report, &err);
				for (size_t k = 0; k < nv; k++)
					if (!strcmp(vars[k].name, "KUBELET_KUBEADM_ARGS") || !strcmp(vars[k].name, "KUBELET_EXTRA_ARGS") ||
					    !strcmp(vars[k].name, "KUBELET_ARGS"))
						if (kg_cis_split_words(&run->arena, vars[k].value, strlen(vars[k].value), &vars[k].at,
								       &c->args, &c->nargs, &alloc, &err))
							kg_report_error(run->report, &err);
				if (!any)
					c->anchor = (struct kg_cis_loc){ kg_cis_display(run, envfiles[i]), 0, 0, NULL, NULL };
				any = true;
			} else if (!missing) {
				kg_report_error(run->report, &err);
			}
			kg_buf_release(&b);
		}
		return any;
	}
	const char *np = first_cand(run, defs[id].confs, &fmt);
	if (!np)
		return false;
	c->src_path = np;
	switch (fmt) {
	case FMT_POD:
	case FMT_ADDON:
		return load_pod(run, id, np, fmt);
	case FMT_ARGS:
		return load_args(run, c, np);
	case FMT_UNIT:
		return load_unit(run, c, &np, 1);
	case FMT_ETCDCONF:
		if (is_env_style(run, np)) {
			struct kg_buf b;
			struct kg_diag err;
			bool missing;
			size_t alloc = 0;
			bool ok = false;
			kg_buf_init(&b, KG_CIS_MAX_FILE);
			if (kg_cis_read(run, np, &b, &missing, &err)) {
				kg_report_error(run->report, &err);
			} else {
				run->report->sum.files++;
				ok = !kg_cis_envfile_parse(&run->arena, kg_cis_display(run, np), b.data, b.len, &c->env, &c->nenv,
							   &alloc, &err);
				if (!ok)
					kg_report_error(run->report, &err);
			}
			kg_buf_release(&b);
			c->anchor = (struct kg_cis_loc){ kg_cis_display(run, np), 0, 0, NULL, NULL };
			return ok;
		}
		return load_etcd_config(run, c, np, NULL);
	case FMT_ETCDYAML:
		return load_etcd_config(run, c, np, NULL);
	}
	return false;
}

const char *kg_cis_flag_path(struct kg_cis_run *run, enum kg_cis_comp_id id, const char *flag)
{
	const struct kg_cis_flag *f = kg_cis_flags_get(&run->comp[id].flags, flag);
	return f ? kg_cis_abs(run, f->value) : NULL;
}

static void load_config_files(struct kg_cis_run *run, enum kg_cis_comp_id id)
{
	struct kg_cis_comp *c = &run->comp[id];
	const struct kg_cis_flag *f;
	if (id == KG_CIS_KUBELET) {
		const char *np = NULL;
		const struct kg_cis_loc *ref = NULL;
		if ((f = kg_cis_flags_get(&c->flags, "config")) && f->value[0]) {
			np = kg_cis_abs(run, f->value);
			ref = &f->at;
		} else {
			np = kg_cis_first_existing(run, kubelet_configs);
		}
		if (np) {
			c->config = kg_cis_load_config(run, np, "KubeletConfiguration", ref, "--config");
			c->config_path = np;
			c->config_file = kg_cis_display(run, np);
		}
		if ((f = kg_cis_flags_get(&c->flags, "config-dir")) && f->value[0])
			kg_cis_load_dropins(run, c, f);
	} else if (id == KG_CIS_SCHEDULER) {
		if ((f = kg_cis_flags_get(&c->flags, "config")) && f->value[0]) {
			const char *np = kg_cis_abs(run, f->value);
			c->config = kg_cis_load_config(run, np, "KubeSchedulerConfiguration", &f->at, "--config");
			c->config_path = np;
			c->config_file = kg_cis_display(run, np);
			/* with --config the scheduler ignores its deprecated flags (--profiling, --kubeconfig,
			 * ...): options.go ApplyTo applies them only without a config file */
			c->config_over_flags = c->config != NULL;
			const struct kg_node *av = c->config ? kg_map_get(c->config, "apiVersion") : NULL;
			const char *v = kg_str(av);
			if (c->config && (!v || strcmp(v, "kubescheduler.config.k8s.io/v1")))
				kg_cis_error(run, c->config_file, av ? av->line : c->config->line, av ? av->col : c->config->col,
					     "%s%s%s: kube-scheduler reads kubescheduler.config.k8s.io/v1 (v1beta3 was removed in 1.29)",
					     v ? "apiVersion '" : "no apiVersion", v ? v : "", v ? "'" : "");
		}
	} else if (id == KG_CIS_PROXY) {
		if ((f = kg_cis_flags_get(&c->flags, "config")) && f->value[0]) {
			const char *np = kg_cis_abs(run, f->value);
			/* the DaemonSet's --config is a path inside the pod (a ConfigMap): not on the node */
			if (c->pid || kg_cis_exists(run, np)) {
				c->config = kg_cis_load_config(run, np, "KubeProxyConfiguration", &f->at, "--config");
				c->config_path = np;
				c->config_file = kg_cis_display(run, np);
			}
		}
	} else if (id == KG_CIS_ETCD) {
		if ((f = kg_cis_flags_get(&c->flags, "config-file")) && f->value[0])
			load_etcd_config(run, c, kg_cis_abs(run, f->value), &f->at);
	}
}

void kg_cis_load(struct kg_cis_run *run, enum kg_cis_comp_id id)
{
	struct kg_cis_comp *c = &run->comp[id];
	c->name = defs[id].name;
	bool files = load_files(run, id);
	if (files && c->src_path)
		c->src_file = kg_cis_display(run, c->src_path);
	kg_cis_flags_parse(&run->arena, c->args, c->nargs, &c->flags);
	if (run->opts.proc_dir) {
		struct kg_cis_comp saved = *c;
		c->args = NULL;
		c->nargs = 0;
		if (find_process(run, id, true)) {
			/* the running process is the truth; the files' flags only give positions */
			c->file_flags = saved.flags;
			kg_cis_flags_parse(&run->arena, c->args, c->nargs, &c->flags);
			if (id != KG_CIS_ETCD) {
				c->env = saved.env;
				c->nenv = saved.nenv;
			}
			if (saved.anchor.file && saved.anchor.line)
				c->anchor = saved.anchor;
			files = true;
		} else {
			c->args = saved.args;
			c->nargs = saved.nargs;
		}
	}
	load_config_files(run, id);
	c->loaded = files || c->config;
	if (c->loaded) {
		c->absent = NULL;
	} else if (c->exists) {
		c->absent = kg_arena_printf(&run->arena, "the %s configuration could not be read", c->name);
		c->absent_is_error = true;
	}
}
