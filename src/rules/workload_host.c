/* workload.runtime-socket, workload.sensitive-host-path, workload.writable-host-path,
 * workload.host-aliases (pod level) and workload.privileged-port, workload.ssh-port (per
 * container). That a hostPath or hostPort exists at all is a Pod Security Standards baseline
 * check and is not repeated here; these rules grade what the mount or port exposes.
 *
 * Paths are compared after lexical normalisation (duplicate slashes, "." and ".." removed,
 * trailing slash dropped), so "/var//run/../run/docker.sock" is still the Docker socket. A path
 * is sensitive when it is a listed directory, lies under one, or is a parent of one (mounting
 * /var exposes /var/lib/kubelet). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../util/fmt.h"
#include "workload_priv.h"

#define HP_MAX 1024

/* Socket file names of container runtimes (matched on the last path component). */
static const char *const socket_names[] = {
	"docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "dockershim.sock", "podman.sock",
	"containerd-shim.sock", NULL,
};

/* Directories that hold runtime sockets at their default locations. */
static const char *const socket_dirs[] = {
	"/run", "/var/run", "/run/containerd", "/var/run/containerd", "/run/crio", "/var/run/crio", "/run/docker",
	"/var/run/docker", "/run/podman", "/var/run/podman", "/run/k3s/containerd", "/var/run/k3s/containerd",
	"/run/cri-dockerd", "/var/run/cri-dockerd", NULL,
};

/* Host directories with credentials or control over the node. */
static const char *const sensitive_dirs[] = {
	"/etc", "/root", "/home", "/proc", "/sys", "/dev", "/boot", "/lib", "/lib64", "/usr", "/bin", "/sbin",
	"/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/var/lib/containers", "/var/lib/etcd",
	"/var/lib/rancher", "/var/lib/k0s", "/var/log", "/opt/cni", "/run/secrets", "/var/run/secrets", NULL,
};

/* Lexical normalisation of an absolute POSIX path into out; false when not absolute or too long. */
static bool norm_path(const char *in, char *out, size_t size)
{
	size_t len = 0;
	if (in[0] != '/' || strlen(in) >= size)
		return false;
	out[0] = '/';
	len = 1;
	for (const char *p = in; *p;) {
		while (*p == '/')
			p++;
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (!n)
			break;
		if (n == 1 && p[0] == '.') {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 1 && out[len - 1] != '/')
				len--;
			if (len > 1)
				len--; /* the slash before the removed component */
		} else {
			if (len > 1)
				out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
	}
	out[len] = '\0';
	return true;
}

/* a equals b or lies under it. */
static bool under(const char *a, const char *b)
{
	size_t n = strlen(b);
	if (!strcmp(b, "/"))
		return true;
	return !strncmp(a, b, n) && (a[n] == '\0' || a[n] == '/');
}

/* Why a normalised path exposes a runtime socket, or NULL. */
static const char *socket_reason(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!strcmp(path, "/")) {
		kg_fmt(buf, size, "it is the host's root filesystem, runtime sockets included");
		return buf;
	}
	for (int i = 0; socket_names[i]; i++)
		if (!strcmp(base, socket_names[i])) {
			kg_fmt(buf, size, "it is the runtime socket %s", socket_names[i]);
			return buf;
		}
	for (int i = 0; socket_dirs[i]; i++) {
		if (!strcmp(path, socket_dirs[i])) {
			kg_fmt(buf, size, "%s holds container runtime sockets", path);
			return buf;
		}
		if (under(socket_dirs[i], path)) {
			kg_fmt(buf, size, "it contains %s, which holds container runtime sockets", socket_dirs[i]);
			return buf;
		}
	}
	return NULL;
}

static const char *sensitive_reason(const struct wl_cfg *cfg, const char *path, char *buf, size_t size)
{
	if (!strcmp(path, "/")) {
		kg_fmt(buf, size, "it is the host's root filesystem");
		return buf;
	}
	char extra[HP_MAX];
	for (unsigned k = 0; k < cfg->nhost_paths + 1; k++) {
		const char *const *list = sensitive_dirs;
		const char *one[2] = { NULL, NULL };
		if (k < cfg->nhost_paths) {
			if (!norm_path(cfg->host_paths[k], extra, sizeof(extra)))
				continue;
			one[0] = extra;
			list = one;
		}
		for (int i = 0; list[i]; i++) {
			if (under(path, list[i])) {
				if (strcmp(path, list[i]))
					kg_fmt(buf, size, "it lies under %s", list[i]);
				else
					kg_fmt(buf, size, "%s is a sensitive host directory", list[i]);
				return buf;
			}
			if (under(list[i], path)) {
				kg_fmt(buf, size, "it contains %s", list[i]);
				return buf;
			}
		}
	}
	return NULL;
}

/* Windows named pipes of the runtimes (\\.\pipe\docker_engine, \\.\pipe\containerd-containerd). */
static bool windows_runtime_pipe(const char *path)
{
	return strncmp(path, "\\\\.\\pipe\\", 9) == 0 &&
	       (!strcasecmp(path + 9, "docker_engine") || !strcasecmp(path + 9, "containerd-containerd"));
}

enum hp_class { HP_PLAIN, HP_SOCKET, HP_SENSITIVE };

static enum hp_class classify(const struct wl_pod *pod, const char *raw, char *why, size_t size)
{
	char path[HP_MAX];
	if (windows_runtime_pipe(raw)) {
		kg_fmt(why, size, "it is the container runtime's named pipe");
		return HP_SOCKET;
	}
	if (!norm_path(raw, path, sizeof(path)))
		return HP_PLAIN;
	if (socket_reason(path, why, size))
		return HP_SOCKET;
	if (sensitive_reason(pod->cfg, path, why, size))
		return HP_SENSITIVE;
	return HP_PLAIN;
}

static const struct kg_node *host_path_volume(const struct wl_pod *pod, const char *name)
{
	const struct kg_node *vols = kg_map_get(pod->spec, "volumes");
	if (!kg_is_seq(vols) || !name)
		return NULL;
	for (uint32_t i = 0; i < vols->len; i++) {
		const char *n = kg_str(kg_map_get(vols->v.items[i], "name"));
		if (n && !strcmp(n, name))
			return kg_is_map(kg_map_get(vols->v.items[i], "hostPath")) ? vols->v.items[i] : NULL;
	}
	return NULL;
}

/* Writable mounts of one hostPath volume, in every container. */
static void check_writable(const struct wl_pod *pod, const char *vname, const char *hpath)
{
	char sub[96];
	for (int k = 0; k < 3; k++) {
		const struct kg_node *list = kg_map_getn(pod->spec, kg_container_fields[k], kg_container_field_len[k]);
		if (!kg_is_seq(list))
			continue;
		for (uint32_t i = 0; i < list->len; i++) {
			const struct kg_node *c = list->v.items[i];
			const struct kg_node *mounts = kg_map_get(c, "volumeMounts");
			if (!kg_is_map(c) || !kg_is_seq(mounts))
				continue;
			struct wl_ctr ctr;
			wl_ctr_init(&ctr, pod, c, (enum kg_container_kind)k, i);
			for (uint32_t m = 0; m < mounts->len; m++) {
				const struct kg_node *mnt = mounts->v.items[m];
				const char *n = kg_str(kg_map_get(mnt, "name"));
				if (!n || strcmp(n, vname) || kg_is_true(kg_map_get(mnt, "readOnly")))
					continue;
				const char *at = kg_str(kg_map_get(mnt, "mountPath"));
				kg_fmt(sub, sizeof(sub), "volumeMounts[%u]", m);
				wl_emit(pod, &ctr, WL_WRITABLE_HOSTPATH, mnt, sub,
					"%s mounts host path %s (volume '%s') writable at %s; set readOnly: true on the "
					"volumeMount",
					ctr.label, hpath, vname, at ? at : "(no mountPath)");
			}
		}
	}
}

static void check_host_paths(const struct wl_pod *pod)
{
	const struct kg_node *vols = kg_map_get(pod->spec, "volumes");
	char why[HP_MAX + 128], sub[64];
	if (!kg_is_seq(vols))
		return;
	for (uint32_t i = 0; i < vols->len; i++) {
		const struct kg_node *vol = vols->v.items[i];
		const struct kg_node *pn = kg_map_get(kg_map_get(vol, "hostPath"), "path");
		const char *path = kg_str(pn);
		const char *vname = kg_str(kg_map_get(vol, "name"));
		if (!path)
			continue;
		kg_fmt(sub, sizeof(sub), "volumes[%u].hostPath.path", i);
		switch (classify(pod, path, why, sizeof(why))) {
		case HP_SOCKET:
			wl_emit(pod, NULL, WL_RUNTIME_SOCKET, pn, sub,
				"volume '%s' mounts host path %s and %s: whoever reaches it can start privileged "
				"containers on the node (readOnly does not prevent that); remove the volume",
				vname ? vname : "?", path, why);
			continue; /* the socket finding says it all */
		case HP_SENSITIVE:
			wl_emit(pod, NULL, WL_SENSITIVE_HOSTPATH, pn, sub,
				"volume '%s' mounts host path %s and %s; remove it or mount a narrow, non-sensitive "
				"directory read-only",
				vname ? vname : "?", path, why);
			break;
		case HP_PLAIN:
			break;
		}
		if (vname && host_path_volume(pod, vname) == vol)
			check_writable(pod, vname, path);
	}
}

static void check_host_aliases(const struct wl_pod *pod)
{
	const struct kg_node *ha = kg_map_get(pod->spec, "hostAliases");
	if (!kg_is_seq(ha) || !ha->len)
		return;
	const struct kg_node *first = ha->v.items[0];
	const char *ip = kg_str(kg_map_get(first, "ip"));
	const char *host = kg_str(kg_seq_at(kg_map_get(first, "hostnames"), 0));
	wl_emit(pod, NULL, WL_HOST_ALIASES, ha, "hostAliases",
		"the pod overrides /etc/hosts with %u hostAliases entr%s (first: %s -> %s); publish the names in DNS "
		"instead",
		(unsigned)ha->len, ha->len == 1 ? "y" : "ies", host ? host : "?", ip ? ip : "?");
}

void wl_check_host(const struct wl_pod *pod)
{
	check_host_paths(pod);
	check_host_aliases(pod);
}

void wl_check_ports(const struct wl_pod *pod, const struct wl_ctr *ctr)
{
	const struct kg_node *ports = kg_map_get(ctr->node, "ports");
	bool host_net = kg_is_true(kg_map_get(pod->spec, "hostNetwork"));
	char sub[64];
	if (!kg_is_seq(ports))
		return;
	for (uint32_t i = 0; i < ports->len; i++) {
		const struct kg_node *p = ports->v.items[i];
		int64_t cport = 0, hport = 0;
		const struct kg_node *cn = kg_map_get(p, "containerPort"), *hn = kg_map_get(p, "hostPort");
		kg_as_int(cn, &cport);
		kg_as_int(hn, &hport);
		const char *proto = kg_str(kg_map_get(p, "protocol"));
		bool tcp = !proto || !strcmp(proto, "TCP");
		if (tcp && (cport == 22 || hport == 22)) {
			kg_fmt(sub, sizeof(sub), "ports[%u].%s", i, hport == 22 ? "hostPort" : "containerPort");
			wl_emit(pod, ctr, WL_SSH_PORT, hport == 22 ? hn : cn, sub,
				"%s exposes port 22 (SSH); remove the SSH server and use kubectl exec or a debug container",
				ctr->label);
			continue; /* port 22 is also privileged: one finding is enough */
		}
		if (hport > 0 && hport < 1024) {
			kg_fmt(sub, sizeof(sub), "ports[%u].hostPort", i);
			wl_emit(pod, ctr, WL_PRIVILEGED_PORT, hn, sub,
				"%s binds privileged port %lld on the node (hostPort); use a port of 1024 or above and a "
				"Service in front", ctr->label, (long long)hport);
		} else if (cport > 0 && cport < 1024) {
			kg_fmt(sub, sizeof(sub), "ports[%u].containerPort", i);
			wl_emit(pod, ctr, WL_PRIVILEGED_PORT, cn, sub,
				"%s listens on privileged port %lld%s (needs root or NET_BIND_SERVICE); listen on a port of "
				"1024 or above and map %lld in the Service", ctr->label,
				(long long)cport, host_net ? " on the node's network (hostNetwork)" : "", (long long)cport);
		}
	}
}
