/* Catalog entries of the 'workload' family: workload.* and image.* rules. Data only; the checks
 * live in workload_*.c and image_rules.c. Peers list only ids whose meaning was checked against
 * the peer's source (docs/rules-workload.md). */
#include "workload_priv.h"

#define K8S "https://kubernetes.io/docs/"
#define CIS "https://www.cisecurity.org/benchmark/kubernetes"
#define NSA "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF"
#define RES_DOC K8S "concepts/configuration/manage-resources-containers/"
#define SC_DOC K8S "tasks/configure-pod-container/security-context/"
#define PROBE_DOC K8S "tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"
#define SA_DOC K8S "tasks/configure-pod-container/configure-service-account/"
#define IMG_DOC K8S "concepts/containers/images/"

const struct kg_rule kg_workload_rules[WL_NRULES] = {
	[WL_CPU_REQUESTS] = { "workload.cpu-requests", KG_SEV_LOW, "resources",
		"Container has no CPU request",
		"Without resources.requests.cpu the scheduler places the pod as if it needed no CPU, so "
		"nodes get overcommitted and the pod is in the BestEffort or Burstable QoS class, first to "
		"be starved under contention. Checked for regular, init and sidecar containers; a "
		"pod-level spec.resources.requests.cpu satisfies it. A LimitRange default in the namespace "
		"also fills it in at admission (not visible in one manifest).",
		"Set resources.requests.cpu on the container (e.g. 100m) to what it uses at steady state.",
		RES_DOC " " NSA,
		"kube-linter:unset-cpu-requirements kubesec:RequestsCPU kube-score:container-resources "
		"polaris:cpuRequestsMissing trivy:KSV015 checkov:CKV_K8S_10" },
	[WL_CPU_LIMITS] = { "workload.cpu-limits", KG_SEV_LOW, "resources",
		"Container has no CPU limit",
		"Without resources.limits.cpu a container can use every idle CPU on the node, and a "
		"runaway or compromised process (a cryptominer) competes with its neighbours. Some teams "
		"deliberately leave CPU limits off to avoid CFS throttling; disable this rule in the "
		"policy if that is your choice. A pod-level spec.resources.limits.cpu satisfies it.",
		"Set resources.limits.cpu on the container, or disable the rule in the policy if you "
		"rely on requests and node capacity instead.",
		RES_DOC " " NSA,
		"kubesec:LimitsCPU kube-score:container-resources "
		"polaris:cpuLimitsMissing trivy:KSV011 checkov:CKV_K8S_11" },
	[WL_MEM_REQUESTS] = { "workload.memory-requests", KG_SEV_LOW, "resources",
		"Container has no memory request",
		"Without resources.requests.memory the scheduler cannot reserve memory for the pod; under "
		"memory pressure the kubelet evicts pods that use more than they requested first. A "
		"pod-level spec.resources.requests.memory satisfies it.",
		"Set resources.requests.memory on the container (e.g. 128Mi) to its working set.",
		RES_DOC " " NSA,
		"kubesec:RequestsMemory kube-score:container-resources "
		"polaris:memoryRequestsMissing trivy:KSV016 checkov:CKV_K8S_12" },
	[WL_MEM_LIMITS] = { "workload.memory-limits", KG_SEV_MEDIUM, "resources",
		"Container has no memory limit",
		"Without resources.limits.memory a leaking or malicious container can take all memory on "
		"the node, and the kernel's OOM killer then picks victims among other pods and system "
		"daemons (a denial of service across tenants). A pod-level spec.resources.limits.memory "
		"satisfies it.",
		"Set resources.limits.memory on the container; equal to the request gives predictable "
		"behaviour.",
		RES_DOC " " NSA,
		"kube-linter:unset-memory-requirements kubesec:LimitsMemory kube-score:container-resources "
		"polaris:memoryLimitsMissing trivy:KSV018 checkov:CKV_K8S_13" },
	[WL_EPHEMERAL] = { "workload.ephemeral-storage", KG_SEV_LOW, "resources",
		"Container has no ephemeral-storage request or limit (opt-in)",
		"Container logs, the writable layer and emptyDir volumes share the node's disk; without "
		"resources.limits.ephemeral-storage one container can fill it and get every pod on the "
		"node evicted for DiskPressure. Off by default (many clusters never set it); a policy "
		"enables it with `rules: {workload.ephemeral-storage: on}`.",
		"Set resources.requests.ephemeral-storage and resources.limits.ephemeral-storage (e.g. "
		"1Gi) on the container.",
		RES_DOC "#local-ephemeral-storage",
		"kube-score:container-ephemeral-storage-request-and-limit" },
	[WL_RO_ROOTFS] = { "workload.readonly-root-fs", KG_SEV_MEDIUM, "security-context",
		"Container root filesystem is writable",
		"securityContext.readOnlyRootFilesystem is not true, so a process that gets code "
		"execution can modify binaries and configuration inside the container, drop tools and "
		"persist until restart. Not a Pod Security Standards control; CIS Kubernetes Benchmark "
		"5.7.3 and the NSA/CISA guide recommend it. Not checked for Windows pods (the field does "
		"not exist there).",
		"Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the "
		"application must write (e.g. /tmp).",
		SC_DOC " " CIS " " NSA,
		"kube-linter:no-read-only-root-fs kubesec:ReadOnlyRootFilesystem "
		"kube-score:container-security-context-readonlyrootfilesystem polaris:notReadOnlyRootFilesystem "
		"trivy:KSV014 checkov:CKV_K8S_22" },
	[WL_UID_RANGE] = { "workload.uid-range", KG_SEV_LOW, "security-context",
		"Container user ID is unset or outside the allowed range",
		"The effective runAsUser (the container's, else the pod's) is not set, so the image "
		"decides, or lies outside the uidRange parameter (default 10000 and above). Low UIDs "
		"collide with accounts on the node, so a container escape lands as a real host user. "
		"UID 0 is left to the Pod Security Standards restricted check (runAsNonRoot / "
		"runAsUser). Skipped for pods with hostUsers: false (user namespaces remap IDs) and "
		"for Windows pods.",
		"Set securityContext.runAsUser (pod or container) to a UID in the allowed range, e.g. "
		"10001, and build the image to run as that user.",
		SC_DOC " " NSA,
		"kubesec:RunAsUser kube-score:container-security-context-user-group-id trivy:KSV020 "
		"checkov:CKV_K8S_40" },
	[WL_GID_RANGE] = { "workload.gid-range", KG_SEV_LOW, "security-context",
		"Container group ID is unset or outside the allowed range",
		"The effective runAsGroup is not set (the image's primary group applies), or runAsGroup, "
		"fsGroup or a supplementalGroups entry lies outside the gidRange parameter (default 10000 "
		"and above), so files the container creates on shared volumes carry a group that "
		"collides with host groups. GID 0 is reported by workload.root-group instead. Skipped "
		"for pods with hostUsers: false and for Windows pods.",
		"Set securityContext.runAsGroup (and fsGroup when volumes need it) to a GID in the "
		"allowed range, e.g. 10001.",
		SC_DOC,
		"kubesec:RunAsGroup kube-score:container-security-context-user-group-id trivy:KSV021" },
	[WL_ROOT_GROUP] = { "workload.root-group", KG_SEV_MEDIUM, "security-context",
		"Pod or container runs with the root group",
		"runAsGroup: 0, fsGroup: 0 or a supplementalGroups entry 0 gives the processes group "
		"root: they can read and write every file owned by group 0 in the image and on mounted "
		"volumes, and fsGroup 0 makes volume contents root-group owned. The Pod Security "
		"Standards do not check groups.",
		"Use a non-zero runAsGroup/fsGroup (e.g. 10001) and remove 0 from supplementalGroups.",
		SC_DOC,
		"trivy:KSV116" },
	[WL_DANGEROUS_CAPS] = { "workload.dangerous-capabilities", KG_SEV_HIGH, "security-context",
		"Container adds a capability that gives control over the node",
		"securityContext.capabilities.add names a capability that is a known container-escape or "
		"host-control primitive: ALL, SYS_ADMIN (mount, namespaces, cgroups: near root), "
		"SYS_MODULE (load kernel modules), SYS_PTRACE (read and inject into processes), "
		"SYS_RAWIO, SYS_BOOT, DAC_READ_SEARCH (open any file by handle: the 'shocker' escape), "
		"NET_ADMIN, NET_RAW (spoofing, ARP/DNS poisoning), BPF, PERFMON, MAC_ADMIN, "
		"MAC_OVERRIDE, SYSLOG, SYS_TIME or CHECKPOINT_RESTORE. The Pod Security Standards "
		"capability checks report any capability outside their allow list at one severity; this "
		"rule names the dangerous ones and why, at high severity (the list is the "
		"dangerousCapabilities parameter).",
		"Remove the capability from capabilities.add; drop ALL and add back only what the "
		"process needs (usually nothing, or NET_BIND_SERVICE).",
		SC_DOC "#set-capabilities-for-a-container https://man7.org/linux/man-pages/man7/capabilities.7.html " CIS " " NSA,
		"kubesec:CapSysAdmin polaris:dangerousCapabilities trivy:KSV005 trivy:KSV119 trivy:KSV120 "
		"checkov:CKV_K8S_39" },
	[WL_RUNTIME_SOCKET] = { "workload.runtime-socket", KG_SEV_CRITICAL, "host-access",
		"Container runtime socket is mounted",
		"A hostPath volume exposes the container runtime's API socket (docker.sock, "
		"containerd.sock, crio.sock, cri-dockerd.sock, podman.sock, or a directory holding them "
		"such as /var/run or /run/containerd). Whoever can talk to it can start a privileged "
		"container on the node: full node compromise. Mounting it readOnly does not help: "
		"connecting to a Unix socket is not a write to the filesystem.",
		"Remove the volume. Tools that need runtime data should use the Kubernetes API or a "
		"narrowly scoped agent instead.",
		K8S "concepts/storage/volumes/#hostpath " NSA,
		"kube-linter:docker-sock kubesec:DockerSock trivy:KSV006 checkov:CKV_K8S_27" },
	[WL_SENSITIVE_HOSTPATH] = { "workload.sensitive-host-path", KG_SEV_HIGH, "host-access",
		"Sensitive host directory is mounted",
		"A hostPath volume mounts a host directory that holds credentials or controls the node "
		"(/, /etc, /root, /home, /proc, /sys, /dev, /boot, /lib, /usr, /var/lib/kubelet, "
		"/var/lib/docker, /var/lib/containerd, /etc/kubernetes, /var/log, ...) or a parent of "
		"one. Any hostPath is already a Pod Security Standards baseline violation; this rule "
		"singles out the paths that are a direct route to node takeover (kubelet credentials, "
		"other pods' volumes, kernel interfaces).",
		"Remove the volume or mount a narrow, non-sensitive subdirectory read-only; prefer "
		"configMap, secret, projected or CSI volumes.",
		K8S "concepts/storage/volumes/#hostpath " CIS " " NSA,
		"kube-linter:sensitive-host-mounts trivy:KSV121" },
	[WL_WRITABLE_HOSTPATH] = { "workload.writable-host-path", KG_SEV_MEDIUM, "host-access",
		"Host directory is mounted writable",
		"A container mounts a hostPath volume without readOnly: true, so it can change files on "
		"the node (plant binaries, cron jobs or symlinks that the kubelet follows) and the change "
		"outlives the pod.",
		"Set readOnly: true on the volumeMount (and recursiveReadOnly: Enabled where supported), "
		"or use a volume type that is not shared with the host.",
		K8S "concepts/storage/volumes/#hostpath " NSA,
		"kube-linter:writable-host-mount" },
	[WL_PRIVILEGED_PORT] = { "workload.privileged-port", KG_SEV_LOW, "host-access",
		"Container declares a privileged port (below 1024)",
		"A containerPort or hostPort below 1024 needs root or CAP_NET_BIND_SERVICE inside the "
		"container (unless the runtime lowers net.ipv4.ip_unprivileged_port_start), which works "
		"against running as non-root with all capabilities dropped; with hostNetwork or a "
		"hostPort it binds a privileged port on the node itself. (Any hostPort is a Pod Security "
		"Standards baseline violation and is reported there.)",
		"Listen on a port of 1024 or above in the container (e.g. 8080) and map the well-known "
		"port in the Service (port: 80, targetPort: 8080).",
		K8S "concepts/services-networking/service/ " NSA,
		"kube-linter:privileged-ports trivy:KSV117" },
	[WL_SSH_PORT] = { "workload.ssh-port", KG_SEV_MEDIUM, "host-access",
		"Container exposes the SSH port",
		"A containerPort or hostPort 22 (TCP) usually means an SSH daemon runs in the container: "
		"a long-lived remote-login surface with its own credentials, outside Kubernetes "
		"authentication and audit.",
		"Remove the SSH server; use kubectl exec / ephemeral debug containers, which go through "
		"the API server's authentication, authorization and audit.",
		K8S "tasks/debug/debug-application/debug-running-pod/",
		"kube-linter:ssh-port" },
	[WL_HOST_ALIASES] = { "workload.host-aliases", KG_SEV_LOW, "host-access",
		"Pod overrides /etc/hosts with hostAliases",
		"spec.hostAliases writes entries into the pod's /etc/hosts, which take precedence over "
		"DNS: a manifest can silently redirect a name (a registry, an identity provider, the "
		"cloud metadata endpoint) to another address, and the override is invisible to "
		"DNS-based monitoring.",
		"Remove hostAliases and publish the name in DNS (a Service, ExternalName or CoreDNS "
		"configuration).",
		K8S "tasks/network/customize-hosts-file-for-pods/",
		"kubesec:HostAliases trivy:KSV007" },
	[WL_LIVENESS] = { "workload.liveness-probe", KG_SEV_LOW, "reliability",
		"Container has no liveness probe",
		"Without livenessProbe a container that hangs (deadlock, exhausted pool) keeps running "
		"and keeps receiving traffic; the kubelet only restarts processes that exit. Not checked "
		"for init containers (they run to completion), ephemeral containers, or pods that run to "
		"completion (Jobs, CronJobs and other Job-like kinds, restartPolicy Never/OnFailure), "
		"where a probe restart would be wrong. Native sidecars (init containers with "
		"restartPolicy: Always) are checked like regular containers.",
		"Add a livenessProbe (httpGet, tcpSocket, grpc or exec) that fails only when the process "
		"cannot recover by itself.",
		PROBE_DOC,
		"kube-linter:no-liveness-probe kube-score:pod-probes polaris:livenessProbeMissing "
		"checkov:CKV_K8S_8" },
	[WL_READINESS] = { "workload.readiness-probe", KG_SEV_LOW, "reliability",
		"Container has no readiness probe",
		"Without readinessProbe the pod is marked ready as soon as its containers start, so "
		"Services send traffic before the application can serve it and rolling updates proceed "
		"on pods that are not working. Same exclusions as workload.liveness-probe; Knative "
		"Serving kinds are skipped because Knative adds a readiness probe by default.",
		"Add a readinessProbe that succeeds only when the container can serve requests.",
		PROBE_DOC,
		"kube-linter:no-readiness-probe kube-score:pod-probes polaris:readinessProbeMissing "
		"checkov:CKV_K8S_9" },
	[WL_DEFAULT_SA] = { "workload.default-service-account", KG_SEV_LOW, "service-account",
		"Pod runs as the namespace's default service account",
		"serviceAccountName is missing, empty or 'default', so the pod shares its identity with "
		"every other pod that did not choose one: any permission granted to 'default' (often by "
		"a chart that needed it once) is granted to all of them, and audit logs cannot tell them "
		"apart. CIS Kubernetes Benchmark 5.1.5.",
		"Create a dedicated ServiceAccount per workload and set spec.serviceAccountName.",
		SA_DOC " " CIS " " NSA,
		"kube-linter:default-service-account kubesec:ServiceAccountName" },
	[WL_AUTOMOUNT] = { "workload.automount-token", KG_SEV_LOW, "service-account",
		"Service account token is mounted automatically",
		"spec.automountServiceAccountToken is true, or unset (then the ServiceAccount object "
		"decides and mounts by default), so every container gets an API token at "
		"/var/run/secrets/kubernetes.io/serviceaccount: code execution in any container becomes "
		"API access. When the pod leaves the field unset, kguard scan looks for the pod's "
		"ServiceAccount among everything scanned in the run and stays silent when it sets "
		"automountServiceAccountToken: false (every definition of it, when there are several); "
		"these findings come after the per-file ones. At admission the ServiceAccount is not "
		"known, so an unset field is reported. CIS Kubernetes Benchmark 5.1.6.",
		"Set spec.automountServiceAccountToken: false on pods that do not call the API (or on "
		"their ServiceAccount); pods that do can mount a projected token with a short "
		"expirationSeconds and an audience.",
		SA_DOC "#opt-out-of-api-credential-automounting " CIS " " NSA,
		"kubesec:AutomountServiceAccountToken polaris:automountServiceAccountToken trivy:KSV036 "
		"checkov:CKV_K8S_38" },
	[WL_DEPRECATED_SA] = { "workload.deprecated-service-account", KG_SEV_LOW, "service-account",
		"Pod uses the deprecated serviceAccount field",
		"spec.serviceAccount is a deprecated alias of serviceAccountName. When both are set and "
		"differ, readers and tools disagree about which identity the pod runs as (the API server "
		"uses serviceAccountName).",
		"Replace serviceAccount with serviceAccountName.",
		K8S "reference/kubernetes-api/workload-resources/pod-v1/#security-context",
		"kube-linter:deprecated-service-account-field" },
	[IMG_LATEST] = { "image.latest-tag", KG_SEV_MEDIUM, "image",
		"Image uses the latest tag or no tag",
		"An image without a tag means :latest. What runs then depends on when each node pulled, "
		"rollbacks cannot restore the previous version, and a compromised or broken push reaches "
		"production at the next pod start. Images pinned by digest are not reported (the digest "
		"decides, the tag is ignored).",
		"Use an immutable version tag (e.g. app:1.4.2) or, better, pin by digest "
		"(app:1.4.2@sha256:...).",
		IMG_DOC "#image-names " K8S "concepts/configuration/overview/#container-images",
		"kube-linter:latest-tag kube-score:container-image-tag polaris:tagNotSpecified "
		"trivy:KSV013 checkov:CKV_K8S_14" },
	[IMG_DIGEST] = { "image.no-digest", KG_SEV_LOW, "image",
		"Image is not pinned by digest",
		"Tags are mutable: whoever can push to the repository (or compromise it) can change what "
		"a tag points to, and nodes pull the new content without any change to the manifest. A "
		"digest (@sha256:...) pins the exact content that was reviewed and scanned.",
		"Reference the image by digest, keeping the tag for readability: "
		"registry/app:1.4.2@sha256:<digest> (tools such as crane or kustomize can resolve it).",
		IMG_DOC "#image-names " NSA,
		"checkov:CKV_K8S_43" },
	[IMG_REGISTRY] = { "image.untrusted-registry", KG_SEV_MEDIUM, "image",
		"Image comes from a registry that is not trusted",
		"The image's registry (docker.io when none is written) does not match any entry of the "
		"trustedRegistries parameter. Only images from registries you control and scan should "
		"run. Without that parameter the rule reports nothing: there is no sensible built-in "
		"list.",
		"Mirror the image into a trusted registry and reference it there, or add the registry "
		"to trustedRegistries in the policy.",
		IMG_DOC " " NSA,
		"trivy:KSV0125" },
	[IMG_PULL_POLICY] = { "image.pull-policy", KG_SEV_LOW, "image",
		"Image pull policy lets a node reuse a mutable tag",
		"The effective imagePullPolicy is IfNotPresent or Never for an image referenced by a "
		"mutable tag, so each node keeps running whatever that tag meant when it first pulled "
		"it: two replicas can run different code, and a fixed image never arrives. Images "
		"pinned by digest are not reported (the content cannot differ); an unset policy on a "
		":latest or untagged image defaults to Always and is not reported either. That a pod "
		"can start from a private image another pod pulled, without pull credentials, is a "
		"cluster setting (AlwaysPullImages admission, KubeletEnsureSecretPulledImages).",
		"Pin the image by digest, or set imagePullPolicy: Always (and consider the "
		"AlwaysPullImages admission plugin on multi-tenant clusters).",
		IMG_DOC "#image-pull-policy",
		"kube-score:container-image-pull-policy polaris:pullPolicyNotAlways checkov:CKV_K8S_15" },
};
