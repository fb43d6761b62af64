/* Pod Security Standards catalog: one rule per upstream PSA check ID, in enum kg_pss_id order.
 * Peers name only equivalents verified in the other tools' own check lists. */
#include "pss_priv.h"

#define PSS_DOC "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
#define PSA_DOC "https://kubernetes.io/docs/concepts/security/pod-security-admission/"
#define PSA_SRC "https://github.com/kubernetes/pod-security-admission/blob/master/policy/"
#define SC_DOC "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"
#define CAT "pod-security"

const struct kg_rule kg_pss_rules[KG_PSS_ID_NCHECKS] = {
	[KG_PSS_ID_ALLOW_PRIV_ESC] = {
		"pss.allowPrivilegeEscalation", KG_SEV_MEDIUM, CAT,
		"Container may gain more privileges than its parent process",
		"Restricted (v1.8+): every container must set securityContext.allowPrivilegeEscalation to "
		"false explicitly. Left unset it defaults to true, so setuid binaries and file capabilities "
		"can raise the process's privileges (no_new_privs is not set). Pods with spec.os.name: "
		"windows are exempt from v1.25.",
		"Set securityContext.allowPrivilegeEscalation: false on every container, init container and "
		"ephemeral container.",
		PSS_DOC " " SC_DOC " " PSA_SRC "check_allowPrivilegeEscalation.go",
		"kube-linter:privilege-escalation-container kubesec:AllowPrivilegeEscalation "
		"polaris:privilegeEscalationAllowed trivy:KSV001 checkov:CKV_K8S_20",
	},
	[KG_PSS_ID_APPARMOR] = {
		"pss.appArmorProfile", KG_SEV_MEDIUM, CAT,
		"AppArmor profile overridden or disabled",
		"Baseline (v1.0+): the runtime's default AppArmor profile must not be replaced by Unconfined "
		"or any other type. securityContext.appArmorProfile.type (pod and containers) may be "
		"RuntimeDefault or Localhost; the beta annotations "
		"container.apparmor.security.beta.kubernetes.io/<container> may be empty, runtime/default or "
		"localhost/<profile>.",
		"Remove the Unconfined profile: set appArmorProfile.type to RuntimeDefault (or Localhost with "
		"a reviewed profile), or drop the annotation.",
		PSS_DOC " https://kubernetes.io/docs/tutorials/security/apparmor/ " PSA_SRC "check_appArmorProfile.go",
		"kubesec:ApparmorUnconfined trivy:KSV002",
	},
	[KG_PSS_ID_CAPS_BASELINE] = {
		"pss.capabilities_baseline", KG_SEV_HIGH, CAT,
		"Container adds capabilities beyond the default set",
		"Baseline (v1.0+): securityContext.capabilities.add may only list capabilities that the "
		"container runtime grants by default (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, "
		"MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT). Others, such as "
		"SYS_ADMIN, NET_ADMIN, SYS_PTRACE or SYS_MODULE, are known container escapes. Names are "
		"compared exactly, as PSA does (no CAP_ prefix, upper case). In restricted from v1.22 this "
		"check is replaced by pss.capabilities_restricted.",
		"Remove the extra capabilities from securityContext.capabilities.add; if the workload truly "
		"needs one, run it in a namespace with a privileged policy and review it.",
		PSS_DOC " " SC_DOC "#set-capabilities-for-a-container " PSA_SRC "check_capabilities_baseline.go",
		"kubesec:CapSysAdmin polaris:dangerousCapabilities trivy:KSV022 checkov:CKV_K8S_25",
	},
	[KG_PSS_ID_CAPS_RESTRICTED] = {
		"pss.capabilities_restricted", KG_SEV_MEDIUM, CAT,
		"Container does not drop ALL capabilities",
		"Restricted (v1.22+, replacing pss.capabilities_baseline): every container must drop ALL "
		"capabilities (securityContext.capabilities.drop contains \"ALL\") and may add back only "
		"NET_BIND_SERVICE. Pods with spec.os.name: windows are exempt from v1.25.",
		"Set securityContext.capabilities.drop: [\"ALL\"] on every container and add only "
		"NET_BIND_SERVICE when the process binds a port below 1024.",
		PSS_DOC " " SC_DOC "#set-capabilities-for-a-container " PSA_SRC "check_capabilities_restricted.go",
		"kubesec:CapDropAll polaris:insecureCapabilities trivy:KSV003 trivy:KSV106 checkov:CKV_K8S_37",
	},
	[KG_PSS_ID_HOST_NAMESPACES] = {
		"pss.hostNamespaces", KG_SEV_HIGH, CAT,
		"Pod shares the node's network, PID or IPC namespace",
		"Baseline (v1.0+): spec.hostNetwork, spec.hostPID and spec.hostIPC must be unset or false. "
		"Sharing them exposes the node's interfaces and localhost-only services, lets the pod see "
		"and signal every process on the node, or read host shared memory.",
		"Remove hostNetwork, hostPID and hostIPC (or set them to false); expose ports through a "
		"Service instead of the host network.",
		PSS_DOC " " PSA_SRC "check_hostNamespaces.go",
		"kube-linter:host-network kube-linter:host-pid kube-linter:host-ipc kubesec:HostNetwork "
		"kubesec:HostPID kubesec:HostIPC polaris:hostNetworkSet polaris:hostPIDSet polaris:hostIPCSet "
		"trivy:KSV008 trivy:KSV009 trivy:KSV010 checkov:CKV_K8S_17 checkov:CKV_K8S_18 checkov:CKV_K8S_19",
	},
	[KG_PSS_ID_HOST_PATH] = {
		"pss.hostPathVolumes", KG_SEV_HIGH, CAT,
		"Pod mounts a hostPath volume",
		"Baseline (v1.0+): no volume may use hostPath. A host path mount gives the pod the node's "
		"files (kubelet credentials, container runtime sockets, other pods' data) and is a common "
		"route to the node. In restricted this check is replaced by pss.restrictedVolumes, which "
		"reports hostPath among the other restricted volume types.",
		"Replace the hostPath volume with a configMap, secret, emptyDir, projected or "
		"persistentVolumeClaim volume; node agents that need host files belong in a privileged "
		"namespace.",
		PSS_DOC " https://kubernetes.io/docs/concepts/storage/volumes/#hostpath " PSA_SRC "check_hostPathVolumes.go",
		"kube-linter:sensitive-host-mounts polaris:hostPathSet trivy:KSV023",
	},
	[KG_PSS_ID_HOST_PORTS] = {
		"pss.hostPorts", KG_SEV_MEDIUM, CAT,
		"Container binds a port on the node",
		"Baseline (v1.0+): containers[*].ports[*].hostPort must be unset or 0 (containers, init "
		"containers and ephemeral containers). A host port opens the node's address to the pod, "
		"bypasses network policies aimed at pod IPs and pins scheduling to nodes with a free port.",
		"Remove hostPort and reach the container through a Service (ClusterIP, NodePort or "
		"LoadBalancer).",
		PSS_DOC " " PSA_SRC "check_hostPorts.go",
		"polaris:hostPortSet trivy:KSV024 checkov:CKV_K8S_26",
	},
	[KG_PSS_ID_HOST_PROBES] = {
		"pss.hostProbesAndHostLifecycle", KG_SEV_MEDIUM, CAT,
		"Probe or lifecycle handler targets another host",
		"Baseline (v1.34+): the host field of httpGet and tcpSocket in liveness, readiness and "
		"startup probes and in postStart and preStop handlers must be empty. The kubelet makes "
		"those requests from the node, so a host turns the pod spec into a way to reach addresses "
		"the pod itself could not (server-side request forgery from the node).",
		"Remove the host field so that the kubelet targets the pod's own IP; use an httpHeaders "
		"Host header if the application needs a virtual host name.",
		PSS_DOC " https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/ "
		PSA_SRC "check_hostProbesAndhostLifecycle.go",
		"",
	},
	[KG_PSS_ID_PRIVILEGED] = {
		"pss.privileged", KG_SEV_HIGH, CAT,
		"Privileged container",
		"Baseline (v1.0+): securityContext.privileged must be unset or false on every container, "
		"init container and ephemeral container. A privileged container has every capability and "
		"every device of the node and runs without seccomp, AppArmor or SELinux confinement: it "
		"is root on the node.",
		"Remove securityContext.privileged (or set it to false) and grant only the specific "
		"capabilities the process needs.",
		PSS_DOC " " SC_DOC " " PSA_SRC "check_privileged.go",
		"kube-linter:privileged-container kubesec:Privileged kube-score:container-security-context-privileged "
		"polaris:runAsPrivileged trivy:KSV017 checkov:CKV_K8S_16",
	},
	[KG_PSS_ID_PROC_MOUNT] = {
		"pss.procMount", KG_SEV_MEDIUM, CAT,
		"Container unmasks /proc",
		"Baseline (v1.0+): securityContext.procMount must be unset or Default, which keeps the "
		"runtime's masked and read-only /proc paths. From v1.35 any value is allowed when the pod "
		"runs in a user namespace (spec.hostUsers: false). In restricted from v1.35 this check is "
		"replaced by pss.procMount_restricted, which keeps the rule without that relaxation.",
		"Remove securityContext.procMount or set it to Default.",
		PSS_DOC " " PSA_SRC "check_procMount_baseline.go",
		"kube-linter:unsafe-proc-mount kubesec:ProcMount polaris:procMount trivy:KSV027",
	},
	[KG_PSS_ID_PROC_MOUNT_RESTRICTED] = {
		"pss.procMount_restricted", KG_SEV_MEDIUM, CAT,
		"Container unmasks /proc (restricted)",
		"Restricted (v1.35+, replacing pss.procMount): securityContext.procMount must be unset or "
		"Default, also for pods in a user namespace.",
		"Remove securityContext.procMount or set it to Default.",
		PSS_DOC " " PSA_SRC "check_procMount_restricted.go",
		"kube-linter:unsafe-proc-mount kubesec:ProcMount polaris:procMount trivy:KSV027",
	},
	[KG_PSS_ID_RESTRICTED_VOLUMES] = {
		"pss.restrictedVolumes", KG_SEV_HIGH, CAT,
		"Pod uses a volume type outside the restricted set",
		"Restricted (v1.0+, replacing pss.hostPathVolumes): volumes may only be configMap, csi, "
		"downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret. The "
		"others reach the node or storage directly: hostPath, gitRepo (runs git on the node), and "
		"in-line network storage (nfs, iscsi, rbd, cephfs, ...) that bypasses PersistentVolume "
		"access control. High because it is the check that reports hostPath at this level. A volume "
		"with no source is defaulted to emptyDir by the API server and passes.",
		"Use a persistentVolumeClaim (or csi/ephemeral) for storage and configMap, secret or "
		"projected volumes for configuration; clone repositories in an init container instead of "
		"gitRepo.",
		PSS_DOC " https://kubernetes.io/docs/concepts/storage/volumes/ " PSA_SRC "check_restrictedVolumes.go",
		"trivy:KSV028",
	},
	[KG_PSS_ID_RUN_AS_NON_ROOT] = {
		"pss.runAsNonRoot", KG_SEV_MEDIUM, CAT,
		"Containers may run as root",
		"Restricted (v1.0+): securityContext.runAsNonRoot must be true, on the pod (covering every "
		"container that leaves it unset) or on every container; false anywhere is forbidden. With "
		"it the kubelet refuses to start a container whose user is 0. From v1.35 a pod in a user "
		"namespace (spec.hostUsers: false) is exempt.",
		"Set spec.securityContext.runAsNonRoot: true (and a non-zero runAsUser, or a USER in the "
		"image).",
		PSS_DOC " " SC_DOC " https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/ "
		PSA_SRC "check_runAsNonRoot.go",
		"kube-linter:run-as-non-root kubesec:RunAsNonRoot polaris:runAsRootAllowed trivy:KSV012 checkov:CKV_K8S_23",
	},
	[KG_PSS_ID_RUN_AS_USER] = {
		"pss.runAsUser", KG_SEV_MEDIUM, CAT,
		"Pod or container runs as UID 0",
		"Restricted (v1.23+): securityContext.runAsUser must not be 0 on the pod or any container. "
		"From v1.35 a pod in a user namespace (spec.hostUsers: false) is exempt.",
		"Set runAsUser to a non-zero UID (for example 65532), or remove it and rely on the image's "
		"non-root USER with runAsNonRoot: true.",
		PSS_DOC " " SC_DOC " " PSA_SRC "check_runAsUser.go",
		"trivy:KSV105",
	},
	[KG_PSS_ID_SECCOMP_BASELINE] = {
		"pss.seccompProfile_baseline", KG_SEV_MEDIUM, CAT,
		"Seccomp disabled or overridden",
		"Baseline: a seccomp profile, when set, must be the runtime default or a localhost profile. "
		"v1.0-v1.18 judge the annotations seccomp.security.alpha.kubernetes.io/pod and "
		"container.seccomp.security.alpha.kubernetes.io/<container> (runtime/default, docker/default "
		"or localhost/<profile>); v1.19+ judge securityContext.seccompProfile.type of the pod and the "
		"containers (RuntimeDefault or Localhost). In restricted from v1.19 this check is replaced "
		"by pss.seccompProfile_restricted.",
		"Set seccompProfile.type to RuntimeDefault (or Localhost with a reviewed profile) instead of "
		"Unconfined.",
		PSS_DOC " https://kubernetes.io/docs/tutorials/security/seccomp/ " PSA_SRC "check_seccompProfile_baseline.go",
		"kubesec:SeccompUnconfined trivy:KSV104",
	},
	[KG_PSS_ID_SECCOMP_RESTRICTED] = {
		"pss.seccompProfile_restricted", KG_SEV_MEDIUM, CAT,
		"Seccomp profile not set to RuntimeDefault or Localhost",
		"Restricted (v1.19+, replacing pss.seccompProfile_baseline): the pod's "
		"securityContext.seccompProfile.type must be RuntimeDefault or Localhost, or else every "
		"container must set one. Without a profile containers run Unconfined and every system call "
		"is reachable. Pods with spec.os.name: windows are exempt from v1.25.",
		"Set spec.securityContext.seccompProfile.type: RuntimeDefault once for the pod.",
		PSS_DOC " https://kubernetes.io/docs/tutorials/security/seccomp/ " PSA_SRC "check_seccompProfile_restricted.go",
		"kubesec:SeccompAny kube-score:container-seccomp-profile trivy:KSV030 checkov:CKV_K8S_31",
	},
	[KG_PSS_ID_SELINUX] = {
		"pss.seLinuxOptions", KG_SEV_MEDIUM, CAT,
		"Custom SELinux options",
		"Baseline (v1.0+): seLinuxOptions.type (pod and containers) may only be empty, container_t, "
		"container_init_t or container_kvm_t, plus container_engine_t from v1.31; seLinuxOptions.user "
		"and seLinuxOptions.role must be empty. Other types such as spc_t run the container "
		"unconfined.",
		"Remove seLinuxOptions, or keep only an allowed type and a level.",
		PSS_DOC " " SC_DOC "#assign-selinux-labels-to-a-container " PSA_SRC "check_seLinuxOptions.go",
		"trivy:KSV025",
	},
	[KG_PSS_ID_SYSCTLS] = {
		"pss.sysctls", KG_SEV_MEDIUM, CAT,
		"Unsafe sysctl",
		"Baseline: spec.securityContext.sysctls may only set namespaced sysctls isolated from other "
		"pods: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, "
		"net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start (v1.0+), "
		"net.ipv4.ip_local_reserved_ports (v1.27+), net.ipv4.tcp_keepalive_time, "
		"net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes "
		"(v1.29+), net.ipv4.tcp_rmem, net.ipv4.tcp_wmem (v1.32+), net.ipv4.tcp_slow_start_after_idle, "
		"net.ipv4.tcp_notsent_lowat (v1.37+).",
		"Remove the sysctl, or set it on the node if the whole node needs it.",
		PSS_DOC " https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/ " PSA_SRC "check_sysctls.go",
		"kube-linter:unsafe-sysctls trivy:KSV026",
	},
	[KG_PSS_ID_WINDOWS_HOST_PROCESS] = {
		"pss.windowsHostProcess", KG_SEV_HIGH, CAT,
		"Windows HostProcess container",
		"Baseline (v1.0+): securityContext.windowsOptions.hostProcess must be unset or false on the "
		"pod and every container. A HostProcess container runs directly on the Windows node with "
		"host networking and access to the node's files and processes.",
		"Remove windowsOptions.hostProcess (or set it to false); node agents that need it belong in "
		"a privileged namespace.",
		PSS_DOC " https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/ "
		PSA_SRC "check_windowsHostProcess.go",
		"polaris:hostProcess trivy:KSV103",
	},
};
