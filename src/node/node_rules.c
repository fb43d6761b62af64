/* The node rule catalog (`kguard node`): one rule per CIS Kubernetes Benchmark check that kguard
 * decides from a node's files, id "cis." + the benchmark id. Severity follows the impact of the
 * misconfiguration (checks the benchmark labels Manual are capped at medium); the wording is
 * kguard's own. Peers name the kube-bench check with the same id. */
#include <stddef.h>

#include "../rules/rule.h"

#define CIS "https://www.cisecurity.org/benchmark/kubernetes "
#define REFD "https://kubernetes.io/docs/reference/"
#define APIS REFD "command-line-tools-reference/kube-apiserver/"
#define KCM REFD "command-line-tools-reference/kube-controller-manager/"
#define SCHED REFD "command-line-tools-reference/kube-scheduler/"
#define KLCFG REFD "config-api/kubelet-config.v1beta1/"
#define KLAUTH REFD "access-authn-authz/kubelet-authn-authz/"
#define ADM REFD "access-authn-authz/admission-controllers/"
#define AUTHZ REFD "access-authn-authz/authorization/"
#define ETCDSEC "https://etcd.io/docs/v3.5/op-guide/security/"
#define PKI "https://kubernetes.io/docs/setup/best-practices/certificates/"
#define KUBEADM REFD "setup-tools/kubeadm/implementation-details/"
#define AUDIT "https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/"
#define ENC "https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/"

#define CP "control-plane"
#define ET "etcd"
#define KL "kubelet"
#define KP "kube-proxy"

/* Permission and ownership rules share their wording. */
#define PERM(id, sev, cat, what, why, mode, ref)                                                              \
	{ "cis." id, sev, cat, "The " what " is mode " mode " or stricter",                                    \
	  "The " what " " why " Anyone who can write it changes how the component runs; anyone who can "      \
	  "read it learns what it holds.",                                                                     \
	  "Restrict the file: chmod " mode " <file> (or a mode with fewer permission bits).",                  \
	  CIS ref, "kube-bench:" id }
#define OWN(id, sev, cat, what, owner, ref)                                                                   \
	{ "cis." id, sev, cat, "The " what " is owned by " owner,                                              \
	  "The owner of a file can change its mode and content. The " what " belongs to " owner                \
	  "; another owner (for example a deployment user or an image's build user) can rewrite it.",         \
	  "Give the file to " owner ": chown " owner " <file>.",                                               \
	  CIS ref, "kube-bench:" id }

const struct kg_rule kg_node_rules[] = {
	/* 1.1 control plane files */
	PERM("1.1.1", KG_SEV_MEDIUM, CP, "kube-apiserver static pod manifest",
	     "holds every API server flag: authentication, authorization, admission and TLS.", "600", KUBEADM),
	OWN("1.1.2", KG_SEV_MEDIUM, CP, "kube-apiserver static pod manifest", "root:root", KUBEADM),
	PERM("1.1.3", KG_SEV_MEDIUM, CP, "kube-controller-manager static pod manifest",
	     "holds the controller manager's flags, including its service account signing key path.", "600", KUBEADM),
	OWN("1.1.4", KG_SEV_MEDIUM, CP, "kube-controller-manager static pod manifest", "root:root", KUBEADM),
	PERM("1.1.5", KG_SEV_MEDIUM, CP, "kube-scheduler static pod manifest", "holds the scheduler's flags.", "600",
	     KUBEADM),
	OWN("1.1.6", KG_SEV_MEDIUM, CP, "kube-scheduler static pod manifest", "root:root", KUBEADM),
	PERM("1.1.7", KG_SEV_MEDIUM, CP, "etcd static pod manifest or configuration",
	     "holds etcd's TLS and authentication settings.", "600", KUBEADM),
	OWN("1.1.8", KG_SEV_MEDIUM, CP, "etcd static pod manifest or configuration", "root:root", KUBEADM),
	PERM("1.1.9", KG_SEV_LOW, CP, "CNI configuration", "decides how every pod is wired into the network.", "600",
	     "https://www.cni.dev/docs/spec/"),
	OWN("1.1.10", KG_SEV_LOW, CP, "CNI configuration", "root:root", "https://www.cni.dev/docs/spec/"),
	{ "cis.1.1.11", KG_SEV_HIGH, CP, "The etcd data directory is mode 700 or stricter",
	  "The etcd data directory holds the whole cluster state, every Secret included (unencrypted unless "
	  "encryption at rest is configured). Read access to it is read access to the cluster.",
	  "chmod 700 <data-dir> (the --data-dir of etcd, /var/lib/etcd on kubeadm clusters).", CIS ETCDSEC,
	  "kube-bench:1.1.11" },
	{ "cis.1.1.12", KG_SEV_MEDIUM, CP, "The etcd data directory is owned by etcd:etcd",
	  "The benchmark expects a dedicated etcd user to own the data directory, so that no other account "
	  "can change its permissions. kubeadm runs etcd as root and leaves it root-owned: decide whether to "
	  "run etcd as its own user or accept root ownership in the policy.",
	  "chown -R etcd:etcd <data-dir> for an etcd that runs as the etcd user; otherwise accept root:root "
	  "in the policy (parameters.nodeChecks.accept).",
	  CIS ETCDSEC, "kube-bench:1.1.12" },
	PERM("1.1.13", KG_SEV_HIGH, CP, "admin kubeconfig (admin.conf, super-admin.conf)",
	     "holds a cluster-admin client certificate and key (super-admin.conf bypasses RBAC entirely).", "600",
	     KUBEADM),
	OWN("1.1.14", KG_SEV_HIGH, CP, "admin kubeconfig (admin.conf, super-admin.conf)", "root:root", KUBEADM),
	PERM("1.1.15", KG_SEV_MEDIUM, CP, "scheduler kubeconfig (scheduler.conf)",
	     "holds the scheduler's client credentials, which can bind any pod to any node.", "600", KUBEADM),
	OWN("1.1.16", KG_SEV_MEDIUM, CP, "scheduler kubeconfig (scheduler.conf)", "root:root", KUBEADM),
	PERM("1.1.17", KG_SEV_MEDIUM, CP, "controller manager kubeconfig (controller-manager.conf)",
	     "holds the controller manager's client credentials, which can read every Secret and create tokens "
	     "for service accounts.",
	     "600", KUBEADM),
	OWN("1.1.18", KG_SEV_MEDIUM, CP, "controller manager kubeconfig (controller-manager.conf)", "root:root", KUBEADM),
	{ "cis.1.1.19", KG_SEV_MEDIUM, CP, "The Kubernetes PKI directory and its files are owned by root:root",
	  "/etc/kubernetes/pki holds the cluster CA, the service account signing key and the components' keys. "
	  "A non-root owner can replace a CA or read a private key by changing modes.",
	  "chown -R root:root /etc/kubernetes/pki/", CIS PKI, "kube-bench:1.1.19" },
	{ "cis.1.1.20", KG_SEV_LOW, CP, "PKI certificate files are mode 644 or stricter",
	  "Certificates are public, but writable certificate files let a local user swap a CA or a serving "
	  "certificate that components then trust.",
	  "chmod 644 /etc/kubernetes/pki/*.crt (and in subdirectories such as etcd/).", CIS PKI, "kube-bench:1.1.20" },
	{ "cis.1.1.21", KG_SEV_MEDIUM, CP, "PKI private key files are mode 600",
	  "Private keys in /etc/kubernetes/pki sign cluster certificates and service account tokens; a key "
	  "readable by others lets a local user impersonate any identity in the cluster.",
	  "chmod 600 /etc/kubernetes/pki/*.key (and in subdirectories such as etcd/).", CIS PKI, "kube-bench:1.1.21" },
	/* 1.2 API server */
	{ "cis.1.2.1", KG_SEV_MEDIUM, CP, "The API server does not accept anonymous requests",
	  "With anonymous authentication on, unauthenticated requests reach the authorizer as system:anonymous. "
	  "Any binding that names that user or system:unauthenticated becomes public, and discovery and health "
	  "endpoints answer everyone.",
	  "Set --anonymous-auth=false (or limit anonymous access to health endpoints with an "
	  "AuthenticationConfiguration).",
	  CIS APIS " " REFD "access-authn-authz/authentication/#anonymous-requests", "kube-bench:1.2.1" },
	{ "cis.1.2.2", KG_SEV_MEDIUM, CP, "The API server does not read static tokens from a file",
	  "Tokens in --token-auth-file never expire, sit in clear text on the control plane node and can only be "
	  "changed by restarting the API server.",
	  "Remove --token-auth-file and authenticate people with OIDC or client certificates and workloads with "
	  "service account tokens.",
	  CIS APIS " " REFD "access-authn-authz/authentication/#static-token-file", "kube-bench:1.2.2" },
	{ "cis.1.2.3", KG_SEV_LOW, CP, "The DenyServiceExternalIPs admission plugin is enabled",
	  "Service externalIPs let anyone who can create a Service intercept traffic to arbitrary IP addresses "
	  "(CVE-2020-8554). The admission plugin refuses new externalIPs.",
	  "Add DenyServiceExternalIPs to --enable-admission-plugins.", CIS ADM "#denyserviceexternalips",
	  "kube-bench:1.2.3" },
	{ "cis.1.2.4", KG_SEV_MEDIUM, CP, "The API server authenticates to kubelets with a client certificate",
	  "Without --kubelet-client-certificate and --kubelet-client-key the API server calls the kubelet API "
	  "(exec, logs, port-forward) without credentials, which only works if kubelets accept anonymous requests.",
	  "Set --kubelet-client-certificate and --kubelet-client-key to a client certificate the kubelets trust "
	  "(kubeadm: apiserver-kubelet-client.crt/.key).",
	  CIS APIS " " KLAUTH, "kube-bench:1.2.4" },
	{ "cis.1.2.5", KG_SEV_MEDIUM, CP, "The API server verifies kubelet serving certificates",
	  "Without --kubelet-certificate-authority the API server does not check who answers on a node's "
	  "kubelet port, so exec sessions and logs can be intercepted by anyone who can redirect that traffic.",
	  "Set --kubelet-certificate-authority to the CA that signs kubelet serving certificates (use "
	  "serverTLSBootstrap on the kubelets so they get such certificates).",
	  CIS APIS " " KLAUTH, "kube-bench:1.2.5" },
	{ "cis.1.2.6", KG_SEV_CRITICAL, CP, "API server authorization is not AlwaysAllow",
	  "With AlwaysAllow every authenticated request is allowed: any service account token or node "
	  "credential is cluster-admin.",
	  "Set --authorization-mode=Node,RBAC (or use an AuthorizationConfiguration without AlwaysAllow).",
	  CIS AUTHZ, "kube-bench:1.2.6" },
	{ "cis.1.2.7", KG_SEV_MEDIUM, CP, "API server authorization includes the Node authorizer",
	  "The Node authorizer limits each kubelet to the pods, secrets and volumes of its own node. Without it "
	  "a compromised node needs broad RBAC rights and can read every Secret it is allowed to.",
	  "Set --authorization-mode=Node,RBAC.", CIS AUTHZ " " REFD "access-authn-authz/node/", "kube-bench:1.2.7" },
	{ "cis.1.2.8", KG_SEV_HIGH, CP, "API server authorization includes RBAC",
	  "RBAC is how Kubernetes expresses least privilege. Without it, authorization falls to other modes "
	  "that are coarser or external.",
	  "Set --authorization-mode=Node,RBAC.", CIS REFD "access-authn-authz/rbac/", "kube-bench:1.2.8" },
	{ "cis.1.2.9", KG_SEV_LOW, CP, "The EventRateLimit admission plugin is enabled",
	  "Without a limit on Event creation, a noisy or hostile client can flood the API server and etcd with "
	  "events.",
	  "Add EventRateLimit to --enable-admission-plugins and configure limits in the file given to "
	  "--admission-control-config-file.",
	  CIS ADM "#eventratelimit", "kube-bench:1.2.9" },
	{ "cis.1.2.10", KG_SEV_HIGH, CP, "The AlwaysAdmit admission plugin is not enabled",
	  "AlwaysAdmit lets every request through admission, defeating the plugins that follow it. It is "
	  "deprecated and never needed.",
	  "Remove AlwaysAdmit from --enable-admission-plugins.", CIS ADM "#alwaysadmit", "kube-bench:1.2.10" },
	{ "cis.1.2.11", KG_SEV_LOW, CP, "The AlwaysPullImages admission plugin is enabled",
	  "Without AlwaysPullImages a pod can use an image already pulled on a node by another tenant without "
	  "having the registry credentials for it.",
	  "Add AlwaysPullImages to --enable-admission-plugins (mind the registry load and availability).",
	  CIS ADM "#alwayspullimages", "kube-bench:1.2.11" },
	{ "cis.1.2.12", KG_SEV_MEDIUM, CP, "The ServiceAccount admission plugin is not disabled",
	  "The ServiceAccount plugin gives pods a service account and checks that the one they name exists. "
	  "Disabling it breaks the model RBAC relies on for workloads.",
	  "Remove ServiceAccount from --disable-admission-plugins.", CIS ADM "#serviceaccount", "kube-bench:1.2.12" },
	{ "cis.1.2.13", KG_SEV_MEDIUM, CP, "The NamespaceLifecycle admission plugin is not disabled",
	  "NamespaceLifecycle refuses objects in namespaces that are being deleted or do not exist and protects "
	  "the system namespaces from deletion.",
	  "Remove NamespaceLifecycle from --disable-admission-plugins.", CIS ADM "#namespacelifecycle",
	  "kube-bench:1.2.13" },
	{ "cis.1.2.14", KG_SEV_HIGH, CP, "The NodeRestriction admission plugin is enabled",
	  "NodeRestriction stops a kubelet from changing other nodes or pods not bound to it and from setting "
	  "labels that steer workloads. Without it one compromised node can take over others.",
	  "Add NodeRestriction to --enable-admission-plugins (with the Node authorizer, see 1.2.7).",
	  CIS ADM "#noderestriction", "kube-bench:1.2.14" },
	{ "cis.1.2.15", KG_SEV_LOW, CP, "API server profiling is disabled",
	  "The profiling endpoints expose internals of the process and cost resources; they are for debugging.",
	  "Set --profiling=false.", CIS APIS, "kube-bench:1.2.15" },
	{ "cis.1.2.16", KG_SEV_MEDIUM, CP, "The API server writes an audit log",
	  "Without --audit-log-path there is no record of who did what in the cluster (unless audit events go "
	  "to a webhook backend).",
	  "Set --audit-log-path (and an audit policy, see 3.2.1).", CIS AUDIT, "kube-bench:1.2.16" },
	{ "cis.1.2.17", KG_SEV_LOW, CP, "Audit log files are kept for at least 30 days",
	  "Incidents are often found weeks later; rotated audit logs that are deleted early lose the trail.",
	  "Set --audit-log-maxage=30 or more (or accept a shorter value in the policy when logs are shipped "
	  "off the node).",
	  CIS AUDIT, "kube-bench:1.2.17" },
	{ "cis.1.2.18", KG_SEV_LOW, CP, "At least 10 rotated audit log files are kept",
	  "Keeping few rotated files loses audit history on a busy cluster.",
	  "Set --audit-log-maxbackup=10 or more.", CIS AUDIT, "kube-bench:1.2.18" },
	{ "cis.1.2.19", KG_SEV_LOW, CP, "Audit log files rotate at 100 MB or more",
	  "Small audit files rotate quickly and, with a fixed number of backups, keep little history.",
	  "Set --audit-log-maxsize=100 or more.", CIS AUDIT, "kube-bench:1.2.19" },
	{ "cis.1.2.21", KG_SEV_MEDIUM, CP, "The API server checks that service account tokens still exist",
	  "With --service-account-lookup=false a token stays valid after its service account or secret was "
	  "deleted, until it expires.",
	  "Remove --service-account-lookup or set it to true.", CIS APIS, "kube-bench:1.2.21" },
	{ "cis.1.2.22", KG_SEV_MEDIUM, CP, "The API server has a service account verification key",
	  "--service-account-key-file names the public keys that verify service account tokens; without an "
	  "explicit key, key rotation is not possible.",
	  "Set --service-account-key-file to the public half of the key given to the controller manager's "
	  "--service-account-private-key-file.",
	  CIS APIS, "kube-bench:1.2.22" },
	{ "cis.1.2.23", KG_SEV_HIGH, CP, "The API server authenticates to etcd with a client certificate",
	  "Without --etcd-certfile and --etcd-keyfile the API server talks to etcd without client "
	  "authentication, which means etcd accepts clients without certificates.",
	  "Set --etcd-certfile and --etcd-keyfile (kubeadm: apiserver-etcd-client.crt/.key) and make etcd "
	  "require client certificates (2.2).",
	  CIS APIS " " ETCDSEC, "kube-bench:1.2.23" },
	{ "cis.1.2.24", KG_SEV_MEDIUM, CP, "The API server serves TLS with a configured certificate",
	  "Without --tls-cert-file and --tls-private-key-file the API server generates a self-signed "
	  "certificate that clients cannot verify.",
	  "Set --tls-cert-file and --tls-private-key-file to a certificate signed by the cluster CA.", CIS APIS,
	  "kube-bench:1.2.24" },
	{ "cis.1.2.25", KG_SEV_HIGH, CP, "The API server authenticates client certificates",
	  "Without --client-ca-file the API server cannot authenticate client certificates: kubelets, "
	  "controllers and administrators that use them lose their identity.",
	  "Set --client-ca-file to the cluster CA.", CIS APIS " " PKI, "kube-bench:1.2.25" },
	{ "cis.1.2.26", KG_SEV_HIGH, CP, "The API server verifies etcd's certificate",
	  "Without --etcd-cafile the API server does not verify that it talks to the real etcd, so the whole "
	  "cluster state can be served by an impostor.",
	  "Set --etcd-cafile to the CA of etcd's serving certificate (kubeadm: etcd/ca.crt).", CIS APIS " " ETCDSEC,
	  "kube-bench:1.2.26" },
	{ "cis.1.2.27", KG_SEV_MEDIUM, CP, "The API server encrypts data at rest",
	  "Without --encryption-provider-config Secrets are stored in etcd as base64: anyone with an etcd "
	  "backup or read access to the data directory reads every Secret.",
	  "Write an EncryptionConfiguration (kms v2, or aescbc/secretbox with a key kept off etcd's disks) and "
	  "set --encryption-provider-config to it.",
	  CIS ENC, "kube-bench:1.2.27" },
	{ "cis.1.2.28", KG_SEV_MEDIUM, CP, "Secrets are encrypted with a strong provider",
	  "The first provider listed for secrets encrypts what is written. identity stores them in clear text; "
	  "the benchmark accepts aescbc, kms and secretbox.",
	  "Put kms, aescbc or secretbox first in the providers for secrets, then rewrite existing Secrets "
	  "(kubectl get secrets -A -o json | kubectl replace -f -).",
	  CIS ENC, "kube-bench:1.2.28" },
	{ "cis.1.2.29", KG_SEV_LOW, CP, "The API server only offers strong TLS cipher suites",
	  "Without --tls-cipher-suites the Go defaults apply, which still include CBC-mode suites for TLS 1.2 "
	  "clients.",
	  "Set --tls-cipher-suites to TLS 1.3 suites and ECDHE suites with AES-GCM or ChaCha20-Poly1305.", CIS APIS,
	  "kube-bench:1.2.29" },
	{ "cis.1.2.30", KG_SEV_LOW, CP, "Service account token lifetimes are not extended",
	  "--service-account-extend-token-expiration (on by default) lets projected tokens live a year to ease "
	  "migration, so a leaked token stays useful much longer than its requested lifetime.",
	  "Set --service-account-extend-token-expiration=false once workloads refresh their tokens.", CIS APIS,
	  "kube-bench:1.2.30" },
	/* 1.3 controller manager */
	{ "cis.1.3.1", KG_SEV_LOW, CP, "Terminated pods are garbage collected at a set threshold",
	  "The default keeps up to 12500 terminated pods before collecting them, which costs etcd space and "
	  "API server time on busy clusters.",
	  "Set --terminated-pod-gc-threshold to a number that suits the cluster, e.g. 10.", CIS KCM,
	  "kube-bench:1.3.1" },
	{ "cis.1.3.2", KG_SEV_LOW, CP, "Controller manager profiling is disabled",
	  "The profiling endpoints expose internals of the process; they are for debugging.",
	  "Set --profiling=false.", CIS KCM, "kube-bench:1.3.2" },
	{ "cis.1.3.3", KG_SEV_MEDIUM, CP, "Controllers use their own service account credentials",
	  "Without --use-service-account-credentials all controllers act with the controller manager's broad "
	  "identity, so RBAC cannot limit any single controller.",
	  "Set --use-service-account-credentials=true.", CIS KCM " " REFD "access-authn-authz/rbac/#controller-roles",
	  "kube-bench:1.3.3" },
	{ "cis.1.3.4", KG_SEV_MEDIUM, CP, "The controller manager has a service account signing key",
	  "--service-account-private-key-file is the key that signs service account tokens; an explicit key "
	  "can be rotated and matched with the API server's verification keys.",
	  "Set --service-account-private-key-file (kubeadm: sa.key).", CIS KCM, "kube-bench:1.3.4" },
	{ "cis.1.3.5", KG_SEV_MEDIUM, CP, "The controller manager publishes the cluster CA to pods",
	  "--root-ca-file is the CA bundle placed in service account token volumes; without it pods cannot "
	  "verify the API server's certificate.",
	  "Set --root-ca-file to the cluster CA.", CIS KCM, "kube-bench:1.3.5" },
	{ "cis.1.3.6", KG_SEV_LOW, CP, "Kubelet serving certificate rotation is not turned off",
	  "RotateKubeletServerCertificate lets kubelets get and renew serving certificates from the cluster CA; "
	  "turning the gate off leaves them with self-signed ones.",
	  "Remove RotateKubeletServerCertificate=false from --feature-gates.", CIS KCM, "kube-bench:1.3.6" },
	{ "cis.1.3.7", KG_SEV_MEDIUM, CP, "The controller manager listens on localhost only",
	  "The controller manager's secure port serves health and metrics; bound to all interfaces it is "
	  "reachable from the network.",
	  "Set --bind-address=127.0.0.1.", CIS KCM, "kube-bench:1.3.7" },
	/* 1.4 scheduler */
	{ "cis.1.4.1", KG_SEV_LOW, CP, "Scheduler profiling is disabled",
	  "The profiling endpoints expose internals of the process; they are for debugging.",
	  "Set --profiling=false; when the scheduler runs with --config, set enableProfiling: false in its "
	  "KubeSchedulerConfiguration instead (the scheduler then ignores --profiling, and enableProfiling "
	  "defaults to true).",
	  CIS SCHED, "kube-bench:1.4.1" },
	{ "cis.1.4.2", KG_SEV_MEDIUM, CP, "The scheduler listens on localhost only",
	  "The scheduler's secure port serves health and metrics; bound to all interfaces it is reachable from "
	  "the network.",
	  "Set --bind-address=127.0.0.1.", CIS SCHED, "kube-bench:1.4.2" },
	/* 2 etcd */
	{ "cis.2.1", KG_SEV_HIGH, ET, "etcd serves clients over TLS",
	  "Without --cert-file and --key-file etcd serves the cluster state in clear text to anyone on its "
	  "client port.",
	  "Set --cert-file and --key-file (or client-transport-security in etcd's config file).", CIS ETCDSEC,
	  "kube-bench:2.1" },
	{ "cis.2.2", KG_SEV_CRITICAL, ET, "etcd requires client certificates",
	  "Without --client-cert-auth=true anyone who reaches etcd's client port reads and writes the whole "
	  "cluster state, every Secret included, bypassing the API server.",
	  "Set --client-cert-auth=true and --trusted-ca-file to the CA of the API server's etcd client "
	  "certificate.",
	  CIS ETCDSEC, "kube-bench:2.2" },
	{ "cis.2.3", KG_SEV_MEDIUM, ET, "etcd does not use self-signed client certificates",
	  "--auto-tls makes etcd generate a self-signed serving certificate that clients cannot verify.",
	  "Remove --auto-tls (or set it to false) and configure --cert-file and --key-file.", CIS ETCDSEC,
	  "kube-bench:2.3" },
	{ "cis.2.4", KG_SEV_HIGH, ET, "etcd peers talk over TLS",
	  "Without --peer-cert-file and --peer-key-file etcd members replicate the cluster state in clear text.",
	  "Set --peer-cert-file and --peer-key-file (or peer-transport-security in etcd's config file).",
	  CIS ETCDSEC, "kube-bench:2.4" },
	{ "cis.2.5", KG_SEV_HIGH, ET, "etcd peers authenticate each other",
	  "Without --peer-client-cert-auth=true anything that reaches the peer port can join the cluster's "
	  "replication.",
	  "Set --peer-client-cert-auth=true and --peer-trusted-ca-file.", CIS ETCDSEC, "kube-bench:2.5" },
	{ "cis.2.6", KG_SEV_MEDIUM, ET, "etcd peers do not use self-signed certificates",
	  "--peer-auto-tls makes etcd generate self-signed peer certificates that members cannot verify.",
	  "Remove --peer-auto-tls (or set it to false) and configure peer certificates.", CIS ETCDSEC,
	  "kube-bench:2.6" },
	{ "cis.2.7", KG_SEV_LOW, ET, "etcd uses its own certificate authority",
	  "etcd accepts any client certificate signed by --trusted-ca-file. If that is the cluster CA, every "
	  "kubelet and user certificate can talk to etcd directly.",
	  "Issue etcd's certificates from a dedicated CA (kubeadm: /etc/kubernetes/pki/etcd/ca.crt) and set "
	  "--trusted-ca-file to it.",
	  CIS ETCDSEC, "kube-bench:2.7" },
	/* 3 control plane configuration */
	{ "cis.3.2.1", KG_SEV_MEDIUM, CP, "The API server has an audit policy",
	  "Without --audit-policy-file the API server records no audit events, whatever the log settings.",
	  "Write an audit Policy and set --audit-policy-file to it.", CIS AUDIT, "kube-bench:3.2.1" },
	{ "cis.3.2.2", KG_SEV_LOW, CP, "The audit policy covers the security-relevant requests",
	  "An audit policy should log access to Secrets, ConfigMaps and TokenReviews at Metadata level only (so "
	  "their contents stay out of the log), changes to pods and deployments, and exec, port-forward and "
	  "proxy requests.",
	  "Add rules for those requests before any rule that drops them (level: None) or logs request bodies "
	  "of Secrets.",
	  CIS AUDIT, "kube-bench:3.2.2" },
	/* 4.1 worker node files */
	PERM("4.1.1", KG_SEV_MEDIUM, KL, "kubelet service file (unit and drop-ins)",
	     "defines the kubelet's command line and environment.", "600", KUBEADM),
	OWN("4.1.2", KG_SEV_MEDIUM, KL, "kubelet service file (unit and drop-ins)", "root:root", KUBEADM),
	PERM("4.1.3", KG_SEV_LOW, KP, "kube-proxy kubeconfig", "holds kube-proxy's client credentials.", "600",
	     REFD "command-line-tools-reference/kube-proxy/"),
	OWN("4.1.4", KG_SEV_LOW, KP, "kube-proxy kubeconfig", "root:root", REFD "command-line-tools-reference/kube-proxy/"),
	PERM("4.1.5", KG_SEV_HIGH, KL, "kubelet kubeconfig (kubelet.conf)",
	     "holds the node's client credentials: whoever reads it acts as the node.", "600", KUBEADM),
	OWN("4.1.6", KG_SEV_MEDIUM, KL, "kubelet kubeconfig (kubelet.conf)", "root:root", KUBEADM),
	PERM("4.1.7", KG_SEV_LOW, KL, "kubelet client CA file",
	     "decides which client certificates the kubelet API accepts.", "644", KLAUTH),
	OWN("4.1.8", KG_SEV_LOW, KL, "kubelet client CA file", "root:root", KLAUTH),
	PERM("4.1.9", KG_SEV_MEDIUM, KL, "kubelet config file (and --config-dir drop-ins)",
	     "holds the kubelet's authentication, authorization and TLS settings.", "600", KLCFG),
	OWN("4.1.10", KG_SEV_MEDIUM, KL, "kubelet config file (and --config-dir drop-ins)", "root:root", KLCFG),
	/* 4.2 kubelet */
	{ "cis.4.2.1", KG_SEV_HIGH, KL, "The kubelet does not accept anonymous requests",
	  "The kubelet API runs commands in containers and reads their logs. Anonymous requests reach it as "
	  "system:anonymous; with a permissive authorizer that is remote code execution on every pod of the node.",
	  "Set authentication.anonymous.enabled: false in the kubelet config (or --anonymous-auth=false).",
	  CIS KLAUTH " " KLCFG, "kube-bench:4.2.1" },
	{ "cis.4.2.2", KG_SEV_CRITICAL, KL, "Kubelet authorization is not AlwaysAllow",
	  "With AlwaysAllow every request the kubelet authenticates (anonymous ones too, if enabled) may exec "
	  "into any pod on the node.",
	  "Set authorization.mode: Webhook in the kubelet config (or --authorization-mode=Webhook).",
	  CIS KLAUTH " " KLCFG, "kube-bench:4.2.2" },
	{ "cis.4.2.3", KG_SEV_HIGH, KL, "The kubelet authenticates client certificates",
	  "Without a client CA the kubelet cannot authenticate the API server's client certificate, which "
	  "pushes clusters towards anonymous access.",
	  "Set authentication.x509.clientCAFile in the kubelet config (or --client-ca-file).", CIS KLAUTH " " KLCFG,
	  "kube-bench:4.2.3" },
	{ "cis.4.2.4", KG_SEV_MEDIUM, KL, "The kubelet read-only port is closed",
	  "The read-only port (10255) serves pod specs, environment and metrics without authentication to "
	  "anyone who reaches the node.",
	  "Set readOnlyPort: 0 in the kubelet config (or --read-only-port=0).", CIS KLCFG, "kube-bench:4.2.4" },
	{ "cis.4.2.5", KG_SEV_LOW, KL, "Idle streaming connections time out",
	  "A zero streamingConnectionIdleTimeout keeps idle exec and port-forward connections open forever, "
	  "an easy way to exhaust the node and to keep a foothold.",
	  "Set streamingConnectionIdleTimeout to a non-zero duration such as 5m.", CIS KLCFG, "kube-bench:4.2.5" },
	{ "cis.4.2.6", KG_SEV_LOW, KL, "The kubelet manages its iptables chains",
	  "With makeIPTablesUtilChains the kubelet keeps the iptables rules it relies on consistent with the "
	  "pods' networking choices.",
	  "Set makeIPTablesUtilChains: true or leave it unset (true is the default).", CIS KLCFG, "kube-bench:4.2.6" },
	{ "cis.4.2.7", KG_SEV_LOW, KL, "The kubelet does not override its hostname",
	  "--hostname-override can make the node's name differ from its certificate's, which breaks TLS "
	  "verification between the API server and the kubelet.",
	  "Remove --hostname-override from the kubelet's flags.", CIS REFD "command-line-tools-reference/kubelet/",
	  "kube-bench:4.2.7" },
	{ "cis.4.2.8", KG_SEV_LOW, KL, "The kubelet records events at a useful rate",
	  "eventRecordQPS limits the events the kubelet creates; a negative value is invalid and too low a "
	  "limit drops events needed in an investigation (0 means no limit).",
	  "Set eventRecordQPS to 0 or a rate that captures the events you need.", CIS KLCFG, "kube-bench:4.2.8" },
	{ "cis.4.2.9", KG_SEV_LOW, KL, "The kubelet serves TLS with a proper certificate",
	  "Without tlsCertFile/tlsPrivateKeyFile (or serverTLSBootstrap) the kubelet serves a self-signed "
	  "certificate, so the API server cannot verify it.",
	  "Set serverTLSBootstrap: true (and approve the kubelets' serving CSRs), or set tlsCertFile and "
	  "tlsPrivateKeyFile.",
	  CIS KLCFG " " REFD "access-authn-authz/kubelet-tls-bootstrapping/", "kube-bench:4.2.9" },
	{ "cis.4.2.10", KG_SEV_MEDIUM, KL, "Kubelet client certificate rotation is on",
	  "With rotateCertificates off the node's client certificate expires and is replaced by hand, which "
	  "invites long-lived credentials.",
	  "Set rotateCertificates: true or leave it unset.", CIS KLCFG " " REFD "access-authn-authz/kubelet-tls-bootstrapping/",
	  "kube-bench:4.2.10" },
	{ "cis.4.2.11", KG_SEV_LOW, KL, "Kubelet serving certificate rotation is not turned off",
	  "The RotateKubeletServerCertificate gate lets the kubelet renew its serving certificate from the "
	  "cluster; turning it off keeps certificates until they expire.",
	  "Remove RotateKubeletServerCertificate=false from the kubelet's feature gates.", CIS KLCFG,
	  "kube-bench:4.2.11" },
	{ "cis.4.2.12", KG_SEV_LOW, KL, "The kubelet only offers strong TLS cipher suites",
	  "Without tlsCipherSuites the Go defaults apply, which still include CBC-mode suites for TLS 1.2 "
	  "clients.",
	  "Set tlsCipherSuites to ECDHE suites with AES-GCM or ChaCha20-Poly1305.", CIS KLCFG, "kube-bench:4.2.12" },
	{ "cis.4.2.13", KG_SEV_LOW, KL, "Pods have a process limit",
	  "Without podPidsLimit (or with -1) one pod can fork until the node runs out of process ids and every "
	  "other pod on it fails.",
	  "Set podPidsLimit in the kubelet config to a positive limit such as 4096.", CIS KLCFG
	  " https://kubernetes.io/docs/concepts/policy/pid-limiting/", "kube-bench:4.2.13" },
	{ "cis.4.2.14", KG_SEV_LOW, KL, "The kubelet applies the RuntimeDefault seccomp profile by default",
	  "Without seccompDefault, containers that set no seccomp profile run unconfined and can use every "
	  "system call, including the ones behind many container escapes.",
	  "Set seccompDefault: true in the kubelet config (test workloads first).", CIS KLCFG
	  " https://kubernetes.io/docs/tutorials/security/seccomp/", "kube-bench:4.2.14" },
	/* 4.3 kube-proxy */
	{ "cis.4.3.1", KG_SEV_MEDIUM, KP, "kube-proxy metrics listen on localhost only",
	  "kube-proxy's metrics endpoint is unauthenticated; bound to all interfaces it tells the network about "
	  "the node's services and endpoints.",
	  "Set metricsBindAddress: 127.0.0.1:10249 (the default) in the kube-proxy configuration.",
	  CIS REFD "config-api/kube-proxy-config.v1alpha1/", "kube-bench:4.3.1" },
};

const size_t kg_node_nrules = sizeof(kg_node_rules) / sizeof(kg_node_rules[0]);
