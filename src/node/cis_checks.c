/* The CIS Kubernetes Benchmark v1.12 as kube-bench's cfg/cis-1.12 tests it, one row per check
 * that can be decided from files and command lines, and the evaluation of a row: test items
 * looked up in the command line first, then the component's config file, then its environment
 * (kube-bench's order, which is also the kubelet's: flags override the config file; a
 * kube-scheduler with --config ignores the flags its file replaces), combined with and/or; file
 * permission and ownership checks with stat. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../core/k8s.h"
#include "../rules/rule.h"
#include "cis_priv.h"

enum kind { K_FLAGS, K_MODE, K_OWNER, K_REVIEW, K_SPECIAL };

enum target {
	T_NONE,
	T_APISERVER_CONF,
	T_CM_CONF,
	T_SCHED_CONF,
	T_ETCD_CONF,
	T_CNI,
	T_ETCD_DATADIR,
	T_ADMINCONF,
	T_SCHED_KUBECONFIG,
	T_CM_KUBECONFIG,
	T_PKI,
	T_PKI_CRT,
	T_PKI_KEY,
	T_KUBELET_UNIT,
	T_PROXY_KUBECONFIG,
	T_KUBELET_KUBECONFIG,
	T_KUBELET_CAFILE,
	T_KUBELET_CONF,
};

/* One kube-bench test item. flag "--feature-gates:Name" reads key Name of a map flag. type is
 * the config value's type: b boolean, i integer, s string, d duration string, l string list. */
struct item {
	const char *flag;
	const char *path;
	char type;
	const char *env;
	bool unset; /* kube-bench `set: false` */
	const char *op, *value;
};

struct kg_cis_check {
	const char *id;
	const char *section;
	unsigned role;
	bool automated;
	enum kind kind;
	enum kg_cis_comp_id comp;
	bool or;
	struct item it[2];
	enum target target;
	const char *want;     /* mode bits "600" or owner "root:root" */
	bool absent_ok;       /* a missing file passes ("if the file exists") */
	const char *fix;
	void (*special)(struct kg_cis_run *, struct kg_cis_eval *);
	const char *title;    /* manual-review rows (no catalog rule) */
};

#define M KG_CIS_ROLE_MASTER
#define E KG_CIS_ROLE_ETCD
#define N KG_CIS_ROLE_NODE
#define SET(f) { f, NULL, 0, NULL, false, NULL, NULL }
#define UNSET(f) { f, NULL, 0, NULL, true, NULL, NULL }
#define CMP(f, o, v) { f, NULL, 0, NULL, false, o, v }
#define KSET(f, p, t) { f, p, t, NULL, false, NULL, NULL }
#define KUNSET(f, p, t) { f, p, t, NULL, true, NULL, NULL }
#define KCMP(f, p, t, o, v) { f, p, t, NULL, false, o, v }
#define ESET(f, p, e) { f, p, 's', e, false, NULL, NULL }
#define EUNSET(f, p, e) { f, p, 'b', e, true, NULL, NULL }
#define ECMP(f, p, e, o, v) { f, p, 'b', e, false, o, v }

#define FILEC(i, sec, r, a, k, c, t, w, ok) \
	{ .id = i, .section = sec, .role = r, .automated = a, .kind = k, .comp = c, .target = t, .want = w, .absent_ok = ok }
#define FLAG1(i, sec, r, a, c, x, fx) \
	{ .id = i, .section = sec, .role = r, .automated = a, .kind = K_FLAGS, .comp = c, .it = { x }, .fix = fx }
#define FLAG2(i, sec, r, a, c, o, x, y, fx) \
	{ .id = i, .section = sec, .role = r, .automated = a, .kind = K_FLAGS, .comp = c, .or = o, .it = { x, y }, .fix = fx }

#define APISERVER_CIPHERS                                                                                        \
	"TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,"                            \
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,"                       \
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,"                  \
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,"                           \
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
#define KUBELET_CIPHERS                                                                                          \
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"                         \
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,"                          \
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"

#define API KG_CIS_APISERVER
#define CM KG_CIS_CONTROLLERMANAGER
#define SCH KG_CIS_SCHEDULER
#define ETCD KG_CIS_ETCD
#define KL KG_CIS_KUBELET
#define PX KG_CIS_PROXY
#define NOC KG_CIS_NOCOMP

static const struct kg_cis_check table[] = {
	/* 1.1 control plane node configuration files */
	FILEC("1.1.1", "master", M, true, K_MODE, API, T_APISERVER_CONF, "600", false),
	FILEC("1.1.2", "master", M, true, K_OWNER, API, T_APISERVER_CONF, "root:root", false),
	FILEC("1.1.3", "master", M, true, K_MODE, CM, T_CM_CONF, "600", false),
	FILEC("1.1.4", "master", M, true, K_OWNER, CM, T_CM_CONF, "root:root", false),
	FILEC("1.1.5", "master", M, true, K_MODE, SCH, T_SCHED_CONF, "600", false),
	FILEC("1.1.6", "master", M, true, K_OWNER, SCH, T_SCHED_CONF, "root:root", false),
	FILEC("1.1.7", "master", M, true, K_MODE, ETCD, T_ETCD_CONF, "600", false),
	FILEC("1.1.8", "master", M, true, K_OWNER, ETCD, T_ETCD_CONF, "root:root", false),
	FILEC("1.1.9", "master", M, false, K_MODE, NOC, T_CNI, "600", false),
	FILEC("1.1.10", "master", M, false, K_OWNER, NOC, T_CNI, "root:root", false),
	FILEC("1.1.11", "master", M, true, K_MODE, ETCD, T_ETCD_DATADIR, "700", false),
	FILEC("1.1.12", "master", M, true, K_OWNER, ETCD, T_ETCD_DATADIR, "etcd:etcd", false),
	FILEC("1.1.13", "master", M, true, K_MODE, NOC, T_ADMINCONF, "600", true),
	FILEC("1.1.14", "master", M, true, K_OWNER, NOC, T_ADMINCONF, "root:root", true),
	FILEC("1.1.15", "master", M, true, K_MODE, SCH, T_SCHED_KUBECONFIG, "600", false),
	FILEC("1.1.16", "master", M, true, K_OWNER, SCH, T_SCHED_KUBECONFIG, "root:root", false),
	FILEC("1.1.17", "master", M, true, K_MODE, CM, T_CM_KUBECONFIG, "600", false),
	FILEC("1.1.18", "master", M, true, K_OWNER, CM, T_CM_KUBECONFIG, "root:root", false),
	FILEC("1.1.19", "master", M, true, K_OWNER, NOC, T_PKI, "root:root", false),
	FILEC("1.1.20", "master", M, false, K_MODE, NOC, T_PKI_CRT, "644", false),
	FILEC("1.1.21", "master", M, false, K_MODE, NOC, T_PKI_KEY, "600", false),
	/* 1.2 API server */
	FLAG1("1.2.1", "master", M, false, API, CMP("--anonymous-auth", "eq", "false"), "set --anonymous-auth=false"),
	FLAG1("1.2.2", "master", M, true, API, UNSET("--token-auth-file"),
	      "remove --token-auth-file and authenticate users with certificates or OIDC"),
	FLAG1("1.2.3", "master", M, false, API, CMP("--enable-admission-plugins", "has", "DenyServiceExternalIPs"),
	      "add DenyServiceExternalIPs to --enable-admission-plugins"),
	FLAG2("1.2.4", "master", M, true, API, false, SET("--kubelet-client-certificate"), SET("--kubelet-client-key"),
	      "set --kubelet-client-certificate and --kubelet-client-key to the API server's kubelet client certificate and key"),
	FLAG1("1.2.5", "master", M, true, API, SET("--kubelet-certificate-authority"),
	      "set --kubelet-certificate-authority to the CA that signs the kubelets' serving certificates"),
	FLAG1("1.2.6", "master", M, true, API, CMP("--authorization-mode", "nothave", "AlwaysAllow"),
	      "set --authorization-mode=Node,RBAC"),
	FLAG1("1.2.7", "master", M, true, API, CMP("--authorization-mode", "has", "Node"), "set --authorization-mode=Node,RBAC"),
	FLAG1("1.2.8", "master", M, true, API, CMP("--authorization-mode", "has", "RBAC"), "set --authorization-mode=Node,RBAC"),
	{ .id = "1.2.9", .section = "master", .role = M, .automated = false, .kind = K_SPECIAL, .comp = API,
	  .it = { CMP("--enable-admission-plugins", "has", "EventRateLimit") },
	  .fix = "add EventRateLimit to --enable-admission-plugins and give it limits in the file named by "
		 "--admission-control-config-file",
	  .special = kg_cis_check_event_rate_limit },
	FLAG2("1.2.10", "master", M, true, API, true, CMP("--enable-admission-plugins", "nothave", "AlwaysAdmit"),
	      UNSET("--enable-admission-plugins"), "remove AlwaysAdmit from --enable-admission-plugins"),
	FLAG1("1.2.11", "master", M, false, API, CMP("--enable-admission-plugins", "has", "AlwaysPullImages"),
	      "add AlwaysPullImages to --enable-admission-plugins"),
	FLAG2("1.2.12", "master", M, true, API, true, CMP("--disable-admission-plugins", "nothave", "ServiceAccount"),
	      UNSET("--disable-admission-plugins"), "remove ServiceAccount from --disable-admission-plugins"),
	FLAG2("1.2.13", "master", M, true, API, true, CMP("--disable-admission-plugins", "nothave", "NamespaceLifecycle"),
	      UNSET("--disable-admission-plugins"), "remove NamespaceLifecycle from --disable-admission-plugins"),
	FLAG1("1.2.14", "master", M, true, API, CMP("--enable-admission-plugins", "has", "NodeRestriction"),
	      "add NodeRestriction to --enable-admission-plugins"),
	FLAG1("1.2.15", "master", M, true, API, CMP("--profiling", "eq", "false"), "set --profiling=false"),
	FLAG1("1.2.16", "master", M, true, API, SET("--audit-log-path"),
	      "set --audit-log-path, e.g. --audit-log-path=/var/log/kubernetes/audit/audit.log"),
	FLAG1("1.2.17", "master", M, true, API, CMP("--audit-log-maxage", "gte", "30"), "set --audit-log-maxage=30 or more"),
	FLAG1("1.2.18", "master", M, true, API, CMP("--audit-log-maxbackup", "gte", "10"), "set --audit-log-maxbackup=10 or more"),
	FLAG1("1.2.19", "master", M, true, API, CMP("--audit-log-maxsize", "gte", "100"), "set --audit-log-maxsize=100 or more"),
	{ .id = "1.2.20", .section = "master", .role = M, .kind = K_REVIEW,
	  .title = "The API server's --request-timeout is appropriate for the cluster" },
	FLAG2("1.2.21", "master", M, true, API, true, UNSET("--service-account-lookup"),
	      CMP("--service-account-lookup", "eq", "true"), "remove --service-account-lookup or set it to true"),
	FLAG1("1.2.22", "master", M, true, API, SET("--service-account-key-file"),
	      "set --service-account-key-file to the public key(s) that verify service account tokens"),
	FLAG2("1.2.23", "master", M, true, API, false, SET("--etcd-certfile"), SET("--etcd-keyfile"),
	      "set --etcd-certfile and --etcd-keyfile to the API server's etcd client certificate and key"),
	FLAG2("1.2.24", "master", M, true, API, false, SET("--tls-cert-file"), SET("--tls-private-key-file"),
	      "set --tls-cert-file and --tls-private-key-file to the API server's serving certificate and key"),
	FLAG1("1.2.25", "master", M, true, API, SET("--client-ca-file"),
	      "set --client-ca-file to the CA that signs client certificates"),
	FLAG1("1.2.26", "master", M, true, API, SET("--etcd-cafile"), "set --etcd-cafile to the CA of etcd's serving certificate"),
	FLAG1("1.2.27", "master", M, false, API, SET("--encryption-provider-config"),
	      "write an EncryptionConfiguration and set --encryption-provider-config to its path"),
	{ .id = "1.2.28", .section = "master", .role = M, .automated = false, .kind = K_SPECIAL, .comp = API,
	  .it = { CMP("provider", "valid_elements", "aescbc,kms,secretbox") },
	  .fix = "make aescbc, kms or secretbox the first provider for secrets", .special = kg_cis_check_encryption },
	FLAG1("1.2.29", "master", M, false, API, CMP("--tls-cipher-suites", "valid_elements", APISERVER_CIPHERS),
	      "set --tls-cipher-suites to AEAD suites only (TLS 1.3 suites and ECDHE with AES-GCM or ChaCha20-Poly1305)"),
	FLAG1("1.2.30", "master", M, true, API, CMP("--service-account-extend-token-expiration", "eq", "false"),
	      "set --service-account-extend-token-expiration=false"),
	/* 1.3 controller manager */
	FLAG1("1.3.1", "master", M, false, CM, SET("--terminated-pod-gc-threshold"),
	      "set --terminated-pod-gc-threshold, e.g. --terminated-pod-gc-threshold=10"),
	FLAG1("1.3.2", "master", M, true, CM, CMP("--profiling", "eq", "false"), "set --profiling=false"),
	FLAG1("1.3.3", "master", M, true, CM, CMP("--use-service-account-credentials", "noteq", "false"),
	      "set --use-service-account-credentials=true"),
	FLAG1("1.3.4", "master", M, true, CM, SET("--service-account-private-key-file"),
	      "set --service-account-private-key-file to the key that signs service account tokens"),
	FLAG1("1.3.5", "master", M, true, CM, SET("--root-ca-file"),
	      "set --root-ca-file to the cluster CA bundle published to service accounts"),
	FLAG2("1.3.6", "master", M, true, CM, true, CMP("--feature-gates", "nothave", "RotateKubeletServerCertificate=false"),
	      UNSET("--feature-gates"), "remove RotateKubeletServerCertificate=false from --feature-gates"),
	FLAG2("1.3.7", "master", M, true, CM, true, CMP("--bind-address", "eq", "127.0.0.1"), UNSET("--bind-address"),
	      "set --bind-address=127.0.0.1"),
	/* 1.4 scheduler */
	FLAG1("1.4.1", "master", M, true, SCH, KCMP("--profiling", "enableProfiling", 'b', "eq", "false"),
	      "set --profiling=false (with --config: enableProfiling: false in the KubeSchedulerConfiguration)"),
	FLAG2("1.4.2", "master", M, true, SCH, true, CMP("--bind-address", "eq", "127.0.0.1"), UNSET("--bind-address"),
	      "set --bind-address=127.0.0.1"),
	/* 2 etcd: flags, or ETCD_* variables, or etcd's YAML config (--config-file) */
	FLAG2("2.1", "etcd", E, true, ETCD, false, ESET("--cert-file", "client-transport-security.cert-file", "ETCD_CERT_FILE"),
	      ESET("--key-file", "client-transport-security.key-file", "ETCD_KEY_FILE"),
	      "set --cert-file and --key-file to etcd's serving certificate and key"),
	FLAG1("2.2", "etcd", E, true, ETCD,
	      ECMP("--client-cert-auth", "client-transport-security.client-cert-auth", "ETCD_CLIENT_CERT_AUTH", "eq", "true"),
	      "set --client-cert-auth=true"),
	FLAG2("2.3", "etcd", E, true, ETCD, true, EUNSET("--auto-tls", "client-transport-security.auto-tls", "ETCD_AUTO_TLS"),
	      ECMP("--auto-tls", "client-transport-security.auto-tls", "ETCD_AUTO_TLS", "eq", "false"),
	      "remove --auto-tls or set it to false"),
	FLAG2("2.4", "etcd", E, true, ETCD, false,
	      ESET("--peer-cert-file", "peer-transport-security.cert-file", "ETCD_PEER_CERT_FILE"),
	      ESET("--peer-key-file", "peer-transport-security.key-file", "ETCD_PEER_KEY_FILE"),
	      "set --peer-cert-file and --peer-key-file to etcd's peer certificate and key"),
	FLAG1("2.5", "etcd", E, true, ETCD,
	      ECMP("--peer-client-cert-auth", "peer-transport-security.client-cert-auth", "ETCD_PEER_CLIENT_CERT_AUTH", "eq",
		   "true"),
	      "set --peer-client-cert-auth=true"),
	FLAG2("2.6", "etcd", E, true, ETCD, true,
	      EUNSET("--peer-auto-tls", "peer-transport-security.auto-tls", "ETCD_PEER_AUTO_TLS"),
	      ECMP("--peer-auto-tls", "peer-transport-security.auto-tls", "ETCD_PEER_AUTO_TLS", "eq", "false"),
	      "remove --peer-auto-tls or set it to false"),
	{ .id = "2.7", .section = "etcd", .role = E, .automated = false, .kind = K_SPECIAL, .comp = ETCD,
	  .it = { ESET("--trusted-ca-file", "client-transport-security.trusted-ca-file", "ETCD_TRUSTED_CA_FILE") },
	  .fix = "give etcd its own CA and set --trusted-ca-file to it", .special = kg_cis_check_etcd_ca },
	/* 3 control plane configuration */
	{ .id = "3.1.1", .section = "controlplane", .role = M, .kind = K_REVIEW,
	  .title = "Users do not authenticate with client certificates" },
	{ .id = "3.1.2", .section = "controlplane", .role = M, .kind = K_REVIEW,
	  .title = "Users do not authenticate with service account tokens" },
	{ .id = "3.1.3", .section = "controlplane", .role = M, .kind = K_REVIEW,
	  .title = "Users do not authenticate with bootstrap tokens" },
	FLAG1("3.2.1", "controlplane", M, false, API, SET("--audit-policy-file"),
	      "write an audit Policy and set --audit-policy-file to its path"),
	{ .id = "3.2.2", .section = "controlplane", .role = M, .automated = false, .kind = K_SPECIAL, .comp = API,
	  .it = { SET("--audit-policy-file") },
	  .fix = "log Secret, ConfigMap and TokenReview access at Metadata level and pod/deployment changes and "
		 "exec/attach/port-forward/proxy at Metadata level or above",
	  .special = kg_cis_check_audit_policy },
	/* 4.1 worker node configuration files */
	FILEC("4.1.1", "node", N, true, K_MODE, KL, T_KUBELET_UNIT, "600", false),
	FILEC("4.1.2", "node", N, true, K_OWNER, KL, T_KUBELET_UNIT, "root:root", true),
	FILEC("4.1.3", "node", N, false, K_MODE, PX, T_PROXY_KUBECONFIG, "600", true),
	FILEC("4.1.4", "node", N, false, K_OWNER, PX, T_PROXY_KUBECONFIG, "root:root", true),
	FILEC("4.1.5", "node", N, true, K_MODE, KL, T_KUBELET_KUBECONFIG, "600", false),
	FILEC("4.1.6", "node", N, true, K_OWNER, KL, T_KUBELET_KUBECONFIG, "root:root", false),
	FILEC("4.1.7", "node", N, false, K_MODE, KL, T_KUBELET_CAFILE, "644", false),
	FILEC("4.1.8", "node", N, false, K_OWNER, KL, T_KUBELET_CAFILE, "root:root", false),
	FILEC("4.1.9", "node", N, true, K_MODE, KL, T_KUBELET_CONF, "600", true),
	FILEC("4.1.10", "node", N, true, K_OWNER, KL, T_KUBELET_CONF, "root:root", true),
	/* 4.2 kubelet: flags override the config file */
	FLAG1("4.2.1", "node", N, true, KL, KCMP("--anonymous-auth", "authentication.anonymous.enabled", 'b', "eq", "false"),
	      "set authentication.anonymous.enabled: false in the kubelet config (or --anonymous-auth=false)"),
	FLAG1("4.2.2", "node", N, true, KL, KCMP("--authorization-mode", "authorization.mode", 's', "nothave", "AlwaysAllow"),
	      "set authorization.mode: Webhook in the kubelet config (or --authorization-mode=Webhook)"),
	FLAG1("4.2.3", "node", N, true, KL, KSET("--client-ca-file", "authentication.x509.clientCAFile", 's'),
	      "set authentication.x509.clientCAFile in the kubelet config (or --client-ca-file)"),
	FLAG2("4.2.4", "node", N, false, KL, true, KCMP("--read-only-port", "readOnlyPort", 'i', "eq", "0"),
	      KUNSET("--read-only-port", "readOnlyPort", 'i'), "set readOnlyPort: 0 in the kubelet config (or --read-only-port=0)"),
	FLAG2("4.2.5", "node", N, false, KL, true,
	      KCMP("--streaming-connection-idle-timeout", "streamingConnectionIdleTimeout", 'd', "noteq", "0"),
	      KUNSET("--streaming-connection-idle-timeout", "streamingConnectionIdleTimeout", 'd'),
	      "set streamingConnectionIdleTimeout to a non-zero duration, e.g. 5m"),
	FLAG2("4.2.6", "node", N, true, KL, true, KCMP("--make-iptables-util-chains", "makeIPTablesUtilChains", 'b', "eq", "true"),
	      KUNSET("--make-iptables-util-chains", "makeIPTablesUtilChains", 'b'),
	      "set makeIPTablesUtilChains: true in the kubelet config or remove the setting"),
	FLAG1("4.2.7", "node", N, false, KL, UNSET("--hostname-override"), "remove --hostname-override from the kubelet flags"),
	FLAG2("4.2.8", "node", N, false, KL, true, KCMP("--event-qps", "eventRecordQPS", 'i', "gte", "0"),
	      KUNSET("--event-qps", "eventRecordQPS", 'i'), "set eventRecordQPS to 0 or a positive rate that captures the events you need"),
	{ .id = "4.2.9", .section = "node", .role = N, .automated = false, .kind = K_SPECIAL, .comp = KL,
	  .it = { KSET("--tls-cert-file", "tlsCertFile", 's'), KSET("--tls-private-key-file", "tlsPrivateKeyFile", 's') },
	  .fix = "set tlsCertFile and tlsPrivateKeyFile in the kubelet config, or serverTLSBootstrap: true",
	  .special = kg_cis_check_kubelet_tls },
	FLAG2("4.2.10", "node", N, true, KL, true, KCMP("--rotate-certificates", "rotateCertificates", 'b', "eq", "true"),
	      KUNSET("--rotate-certificates", "rotateCertificates", 'b'),
	      "set rotateCertificates: true in the kubelet config or remove the setting"),
	FLAG2("4.2.11", "node", N, false, KL, true,
	      KCMP("--feature-gates:RotateKubeletServerCertificate", "featureGates.RotateKubeletServerCertificate", 'b',
		   "nothave", "false"),
	      KUNSET("--feature-gates:RotateKubeletServerCertificate", "featureGates.RotateKubeletServerCertificate", 'b'),
	      "remove RotateKubeletServerCertificate=false from the kubelet's feature gates"),
	FLAG1("4.2.12", "node", N, false, KL, KCMP("--tls-cipher-suites", "tlsCipherSuites", 'l', "valid_elements", KUBELET_CIPHERS),
	      "set tlsCipherSuites to ECDHE suites with AES-GCM or ChaCha20-Poly1305 only"),
	FLAG1("4.2.13", "node", N, false, KL, KCMP("--pod-max-pids", "podPidsLimit", 'i', "gt", "0"),
	      "set podPidsLimit in the kubelet config to a positive limit, e.g. 4096"),
	FLAG1("4.2.14", "node", N, false, KL, KCMP("--seccomp-default", "seccompDefault", 'b', "eq", "true"),
	      "set seccompDefault: true in the kubelet config"),
	/* 4.3 kube-proxy */
	FLAG2("4.3.1", "node", N, true, PX, true, KCMP("--metrics-bind-address", "metricsBindAddress", 's', "has", "127.0.0.1"),
	      KUNSET("--metrics-bind-address", "metricsBindAddress", 's'),
	      "bind the metrics endpoint to localhost: metricsBindAddress: 127.0.0.1:10249"),
};

size_t kg_cis_ncheck(void)
{
	return sizeof(table) / sizeof(table[0]);
}

const struct kg_cis_check *kg_cis_check_at(size_t i)
{
	return i < kg_cis_ncheck() ? &table[i] : NULL;
}

const char *kg_cis_check_id(const struct kg_cis_check *c) { return c->id; }
const char *kg_cis_check_section(const struct kg_cis_check *c) { return c->section; }
unsigned kg_cis_check_role(const struct kg_cis_check *c) { return c->role; }
bool kg_cis_check_automated(const struct kg_cis_check *c) { return c->automated; }
const char *kg_cis_check_title(const struct kg_cis_check *c) { return c->title; }
enum kg_cis_comp_id kg_cis_check_comp(const struct kg_cis_check *c) { return c->comp; }
const char *kg_cis_check_fix(const struct kg_cis_check *c) { return c->fix; }

/* --- recording outcomes --- */

static void emit(struct kg_cis_run *run, struct kg_cis_eval *ev, const struct kg_cis_loc *at, enum kg_severity sev,
		 const char *msg)
{
	struct kg_finding f;
	memset(&f, 0, sizeof(f));
	f.rule = ev->rule;
	f.rule_id = ev->rule ? ev->rule->id : ev->res->id;
	f.severity = sev;
	f.title = ev->rule ? ev->rule->title : ev->res->title;
	f.message = msg;
	f.file = at->file;
	f.line = at->line;
	f.col = at->col;
	f.path = at->path;
	if (at->obj) {
		f.api_version = at->obj->api_version;
		f.kind = at->obj->kind;
		f.namespace_ = at->obj->namespace_;
		f.name = at->obj->name;
	}
	kg_report_add(run->report, &f);
	if (ev->res->severity < sev)
		ev->res->severity = sev;
}

static bool accepted(struct kg_cis_run *run, struct kg_cis_eval *ev, const char *value)
{
	if (!ev->rule || !value)
		return false;
	for (size_t i = 0; i < run->naccept; i++) {
		const struct kg_cis_accept *a = &run->accept[i];
		if (strcmp(a->rule_id, ev->rule->id))
			continue;
		for (uint32_t k = 0; k < a->values->len; k++) {
			char buf[512];
			kg_scalar_text(a->values->v.items[k], buf, sizeof(buf));
			if (!strcmp(buf, value)) {
				ev->accept_reason = a->reason;
				return true;
			}
		}
	}
	return false;
}

void kg_cis_fail(struct kg_cis_run *run, struct kg_cis_eval *ev, const struct kg_cis_loc *at, const char *value,
		 const char *fmt, ...)
{
	if (accepted(run, ev, value)) {
		ev->naccepted++;
		run->report->sum.suppressed++;
		return;
	}
	va_list ap;
	char msg[1024];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ev->nfail++;
	emit(run, ev, at, ev->severity, msg);
}

void kg_cis_undecided(struct kg_cis_run *run, struct kg_cis_eval *ev, const struct kg_cis_loc *at, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ev->undecided)
		ev->note = kg_arena_strdup(&run->arena, msg);
	ev->undecided = true;
	if (at) {
		char full[1100];
		snprintf(full, sizeof(full), "not checked: %s", msg);
		emit(run, ev, at, KG_SEV_INFO, full);
	}
}

void kg_cis_na(struct kg_cis_run *run, struct kg_cis_eval *ev, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ev->not_applicable = true;
	if (!ev->note)
		ev->note = kg_arena_strdup(&run->arena, msg);
}

void kg_cis_actual(struct kg_cis_run *run, struct kg_cis_eval *ev, const struct kg_cis_loc *at, const char *fmt, ...)
{
	if (ev->res->actual)
		return;
	va_list ap;
	char msg[1024];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ev->res->actual = kg_arena_strdup(&run->arena, msg);
	if (at && at->file) {
		ev->res->file = at->file;
		ev->res->line = at->line;
	}
}

/* --- expected text, in kube-bench's words --- */

static const char *item_expected(struct kg_cis_run *run, const struct item *it)
{
	const char *name = it->flag ? it->flag : it->path;
	if (it->unset)
		return kg_arena_printf(&run->arena, "'%s' is not present", name);
	if (!it->op)
		return kg_arena_printf(&run->arena, "'%s' is present", name);
	static const struct {
		const char *op, *fmt;
	} pats[] = {
		{ "eq", "'%s' is equal to '%s'" },
		{ "noteq", "'%s' is not equal to '%s'" },
		{ "gt", "'%s' is greater than %s" },
		{ "gte", "'%s' is greater or equal to %s" },
		{ "lt", "'%s' is lower than %s" },
		{ "lte", "'%s' is lower or equal to %s" },
		{ "has", "'%s' has '%s'" },
		{ "nothave", "'%s' does not have '%s'" },
		{ "regex", "'%s' matched by regex expression '%s'" },
		{ "valid_elements", "'%s' contains valid elements from '%s'" },
	};
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
		if (!strcmp(pats[i].op, it->op))
			return kg_arena_printf(&run->arena, pats[i].fmt, name, it->value);
	return "";
}

const char *kg_cis_check_expected(struct kg_cis_run *run, const struct kg_cis_check *c)
{
	if (c->kind == K_MODE)
		return kg_arena_printf(&run->arena, "permissions %s or more restrictive", c->want);
	if (c->kind == K_OWNER)
		return kg_arena_printf(&run->arena, "owner %s", c->want);
	if (c->kind == K_REVIEW)
		return NULL;
	const char *e = item_expected(run, &c->it[0]);
	if (c->it[1].flag || c->it[1].path)
		e = kg_arena_printf(&run->arena, "%s %s %s", e, c->or ? "OR" : "AND", item_expected(run, &c->it[1]));
	return e;
}

/* --- test items --- */

struct lookup {
	bool found, invalid;
	const char *value; /* what the operator sees */
	const char *shown; /* "--profiling=true", "readOnlyPort: 10255", "ETCD_AUTO_TLS=true" */
	struct kg_cis_loc at;
	const char *file;    /* config file of an invalid value */
	const char *ignored; /* a flag on the command line that the component ignores ("--profiling=false") */
};

static const char *type_name(char t)
{
	switch (t) {
	case 'b': return "a boolean";
	case 'i': return "an integer";
	case 'l': return "a list of strings";
	case 'd': return "a duration string such as 4h0m0s";
	default: return "a string";
	}
}

static bool seen_bad(struct kg_cis_run *run, const char *key)
{
	for (size_t i = 0; i < run->nbad; i++)
		if (!strcmp(run->bad[i], key))
			return true;
	run->bad = kg_cis_grow(&run->arena, (void *)run->bad, &run->abad, run->nbad + 1, sizeof(*run->bad));
	run->bad[run->nbad++] = kg_arena_strdup(&run->arena, key);
	return false;
}

static void config_lookup(struct kg_cis_run *run, const struct kg_cis_comp *c, const struct item *it, struct lookup *lk)
{
	const char *file;
	const struct kg_node *n = kg_cis_config_at(c, it->path, false, &file);
	if (!n || n->type == KG_NULL)
		return;
	const char *v = NULL;
	int64_t i;
	switch (it->type) {
	case 'b':
		if (n->type == KG_BOOL)
			v = n->v.b ? "true" : "false";
		break;
	case 'i':
		if (kg_as_int(n, &i))
			v = kg_arena_printf(&run->arena, "%lld", (long long)i);
		break;
	case 'l':
		if (kg_is_seq(n)) {
			struct kg_buf b;
			kg_buf_init(&b, 0);
			bool ok = true;
			for (uint32_t k = 0; k < n->len && ok; k++) {
				ok = n->v.items[k]->type == KG_STR;
				if (ok)
					kg_buf_printf(&b, "%s%s", k ? "," : "", n->v.items[k]->v.s);
			}
			if (ok)
				v = kg_arena_strdup(&run->arena, b.data ? b.data : "");
			kg_buf_release(&b);
		}
		break;
	default:
		if (n->type == KG_STR)
			v = n->v.s;
		break;
	}
	if (!v) {
		lk->invalid = true;
		lk->file = file;
		const char *key = kg_arena_printf(&run->arena, "%s:%s", file, it->path);
		if (!seen_bad(run, key))
			kg_cis_error(run, file, n->line, n->col, "%s must be %s, not %s (%s would refuse this file)",
				     it->path, type_name(it->type), kg_type_name((enum kg_type)n->type), c->name);
		return;
	}
	if (!*v)
		return; /* kube-bench: an empty JSONPath result is "not found" */
	lk->found = true;
	lk->value = v;
	lk->shown = kg_arena_printf(&run->arena, "%s: %s", it->path, v);
	lk->at = (struct kg_cis_loc){ file, n->line, n->col, it->path, NULL };
}

static void flag_lookup(struct kg_cis_run *run, const struct kg_cis_comp *c, const struct item *it, struct lookup *lk)
{
	const char *name = it->flag + 2, *colon = strchr(name, ':');
	char fname[128];
	snprintf(fname, sizeof(fname), "%.*s", colon ? (int)(colon - name) : (int)strlen(name), name);
	const struct kg_cis_flag *f = kg_cis_flags_get(&c->flags, fname);
	if (!f)
		return;
	const char *v = f->value;
	if (colon) { /* key=value inside a map flag such as --feature-gates */
		const char *key = colon + 1, *p = v;
		size_t klen = strlen(key);
		v = NULL;
		while (p && *p) {
			while (*p == ' ')
				p++;
			const char *end = strchr(p, ',');
			size_t n = end ? (size_t)(end - p) : strlen(p);
			if (n > klen && !strncmp(p, key, klen) && p[klen] == '=')
				v = kg_arena_strndup(&run->arena, p + klen + 1, n - klen - 1); /* later entries win */
			p = end ? end + 1 : NULL;
		}
		if (!v)
			return;
	}
	lk->found = true;
	lk->value = v;
	lk->shown = colon ? kg_arena_printf(&run->arena, "--%s %s=%s", fname, colon + 1, v)
			  : kg_arena_printf(&run->arena, "--%s=%s", fname, v);
	lk->at = f->at;
	if (c->pid) { /* point at the file that says the same, when one does */
		const struct kg_cis_flag *ff = kg_cis_flags_get(&c->file_flags, fname);
		if (ff && !strcmp(ff->value, f->value))
			lk->at = ff->at;
	}
}

/* The component reads this item's flag (kube-scheduler ignores the flags its --config replaces). */
static bool flag_read(const struct kg_cis_comp *c, const struct item *it)
{
	return it->flag && !c->config_exclusive && !(c->config_over_flags && it->path);
}

static void lookup(struct kg_cis_run *run, const struct kg_cis_comp *c, const struct item *it, struct lookup *lk)
{
	memset(lk, 0, sizeof(*lk));
	if (flag_read(c, it)) {
		flag_lookup(run, c, it, lk);
	} else if (it->flag && c->config_over_flags) {
		flag_lookup(run, c, it, lk);
		lk->ignored = lk->found ? lk->shown : NULL;
		memset(lk, 0, offsetof(struct lookup, ignored));
	}
	if (!lk->found && it->path && c->config)
		config_lookup(run, c, it, lk);
	if (!lk->found && !lk->invalid && it->env && !c->config_exclusive) {
		const struct kg_cis_var *v = kg_cis_var_get(c->env, c->nenv, it->env);
		if (v && v->value[0]) {
			lk->found = true;
			lk->value = v->value;
			lk->shown = kg_arena_printf(&run->arena, "%s=%s", v->name, v->value);
			lk->at = v->at;
		}
	}
	if (lk->found && it->type == 'd' && kg_cis_duration_zero(lk->value))
		lk->value = "0";
}

static bool item_pass(const struct item *it, const struct lookup *lk)
{
	if (it->unset)
		return !lk->found;
	if (lk->found && it->op)
		return kg_cis_compare(it->op, lk->value, it->value);
	return lk->found;
}

static const char *names(struct kg_cis_run *run, const struct kg_cis_comp *c, const struct item *it)
{
	const char *s = "";
	if (flag_read(c, it))
		s = it->flag;
	if (it->path && c->config)
		s = *s ? kg_arena_printf(&run->arena, "%s / %s", s, it->path) : it->path;
	if (it->env && !c->config_exclusive)
		s = *s ? kg_arena_printf(&run->arena, "%s / %s", s, it->env) : it->env;
	return s;
}

static struct kg_cis_loc missing_loc(const struct kg_cis_comp *c, const struct item *it)
{
	if (it->path && c->config) {
		const char *file;
		const struct kg_node *n = kg_cis_config_at(c, it->path, true, &file);
		return (struct kg_cis_loc){ file, n->line, n->col, it->path, NULL };
	}
	return c->anchor;
}

static const char *describe(struct kg_cis_run *run, const struct kg_cis_comp *c, const struct item *it,
			    const struct lookup *lk)
{
	const char *d;
	if (!lk->found)
		d = kg_arena_printf(&run->arena, "%s is not set", names(run, c, it));
	else if (it->unset)
		d = kg_arena_printf(&run->arena, "%s is set", lk->shown);
	else
		d = lk->shown;
	if (lk->ignored)
		d = kg_arena_printf(&run->arena, "%s (%s on the command line is ignored: %s reads %s)", d, lk->ignored, c->name,
				    c->config_file);
	return d;
}

bool kg_cis_item_value(struct kg_cis_run *run, const struct kg_cis_eval *ev, size_t i, const char **value,
		       struct kg_cis_loc *at)
{
	struct lookup lk;
	lookup(run, &run->comp[ev->check->comp], &ev->check->it[i], &lk);
	if (!lk.found)
		return false;
	*value = lk.value;
	*at = lk.at;
	return true;
}

bool kg_cis_eval_items(struct kg_cis_run *run, struct kg_cis_eval *ev, bool report)
{
	const struct kg_cis_check *ck = ev->check;
	const struct kg_cis_comp *c = &run->comp[ck->comp];
	size_t n = (ck->it[1].flag || ck->it[1].path || ck->it[1].env) ? 2 : 1;
	struct lookup lk[2];
	bool pass[2], result = !ck->or;
	for (size_t i = 0; i < n; i++) {
		lookup(run, c, &ck->it[i], &lk[i]);
		if (lk[i].invalid) {
			kg_cis_undecided(run, ev, NULL, "%s in %s is not %s", ck->it[i].path, lk[i].file,
					 type_name(ck->it[i].type));
			return false;
		}
		pass[i] = item_pass(&ck->it[i], &lk[i]);
		result = ck->or ? (result || pass[i]) : (result && pass[i]);
	}
	if (lk[0].found)
		kg_cis_actual(run, ev, &lk[0].at, "%s", lk[0].shown);
	else
		kg_cis_actual(run, ev, NULL, "%s not set", names(run, c, &ck->it[0]));
	if (result || !report)
		return result;
	/* or: every alternative failed, the first one says what is wrong; and: name each failing item */
	const char *observed = NULL, *value = NULL;
	struct kg_cis_loc at = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (pass[i] || (ck->or && i > 0))
			continue;
		const char *d = describe(run, c, &ck->it[i], &lk[i]);
		if (!observed) {
			observed = d;
			value = lk[i].found ? lk[i].value : "";
			at = lk[i].found ? lk[i].at : missing_loc(c, &ck->it[i]);
		} else {
			observed = kg_arena_printf(&run->arena, "%s and %s", observed, d);
		}
	}
	kg_cis_fail(run, ev, &at, value, "%s; fix: %s", observed, ck->fix);
	return false;
}

/* --- files --- */

struct files {
	const char **v;
	size_t n, alloc;
	const char *filter; /* name suffix for walks */
	bool files_only;
};

static void add_file(struct kg_cis_run *run, struct files *fs, const char *np)
{
	fs->v = kg_cis_grow(&run->arena, (void *)fs->v, &fs->alloc, fs->n + 1, sizeof(*fs->v));
	fs->v[fs->n++] = np;
}

struct walkctx {
	struct kg_cis_run *run;
	struct files *fs;
};

static void on_walk(void *ctx, const char *np, const struct stat *st)
{
	struct walkctx *w = ctx;
	size_t len = strlen(np), fl = w->fs->filter ? strlen(w->fs->filter) : 0;
	if (w->fs->files_only && !S_ISREG(st->st_mode))
		return;
	if (fl && (len < fl || strcmp(np + len - fl, w->fs->filter)))
		return;
	add_file(w->run, w->fs, np);
}

static void walk(struct kg_cis_run *run, struct files *fs, const char *dir, bool self)
{
	struct walkctx w = { run, fs };
	kg_cis_walk(run, dir, self, on_walk, &w);
}

static void add_existing(struct kg_cis_run *run, struct files *fs, const char *np)
{
	if (np && kg_cis_exists(run, np))
		add_file(run, fs, np);
}

/* Where the comp's own flag points when that exists, else the first existing candidate. */
static const char *flag_or_first(struct kg_cis_run *run, enum kg_cis_comp_id id, const char *flag, const char *const *cands)
{
	const char *p = run->comp[id].loaded ? kg_cis_flag_path(run, id, flag) : NULL;
	if (p && kg_cis_exists(run, p))
		return p;
	return kg_cis_first_existing(run, cands);
}

/* With --config the scheduler takes its kubeconfig from clientConnection.kubeconfig and ignores
 * --kubeconfig; without, --kubeconfig; else kube-bench's list. */
static const char *sched_kubeconfig(struct kg_cis_run *run)
{
	const struct kg_cis_comp *c = &run->comp[KG_CIS_SCHEDULER];
	if (c->loaded && c->config_over_flags) {
		const char *p = kg_cis_abs(run, kg_str(kg_cis_config_at(c, "clientConnection.kubeconfig", false, NULL)));
		return p && kg_cis_exists(run, p) ? p : kg_cis_first_existing(run, kg_cis_sched_kubeconfigs);
	}
	return flag_or_first(run, KG_CIS_SCHEDULER, "kubeconfig", kg_cis_sched_kubeconfigs);
}

static const char *etcd_data_dir(struct kg_cis_run *run)
{
	const struct kg_cis_comp *c = &run->comp[KG_CIS_ETCD];
	static const struct item data_dir = { "--data-dir", "data-dir", 's', "ETCD_DATA_DIR", false, NULL, NULL };
	struct lookup lk;
	if (c->loaded) {
		lookup(run, c, &data_dir, &lk);
		const char *p = lk.found ? kg_cis_abs(run, lk.value) : NULL;
		struct stat st;
		if (p && kg_cis_stat(run, p, &st) == 0 && S_ISDIR(st.st_mode))
			return p;
	}
	return kg_cis_first_existing(run, kg_cis_etcd_datadirs);
}

static void target_files(struct kg_cis_run *run, const struct kg_cis_check *ck, struct files *fs, const char **looked,
			 const char **def)
{
	struct kg_cis_comp *c = ck->comp < KG_CIS_NCOMP ? &run->comp[ck->comp] : NULL;
	static const char *const admin[] = { "/etc/kubernetes/admin.conf", "/etc/kubernetes/super-admin.conf", NULL };
	static const char *const cni[] = { "/etc/cni/net.d", "/var/lib/cni/networks", NULL };
	static const char *const pki[] = { "/etc/kubernetes/pki", NULL };
	*looked = NULL;
	*def = NULL;
	switch (ck->target) {
	case T_APISERVER_CONF:
	case T_CM_CONF:
	case T_SCHED_CONF:
		add_existing(run, fs, c->src_path);
		*looked = kg_cis_conf_looked(run, ck->comp);
		*def = kg_cis_conf_default(ck->comp);
		break;
	case T_ETCD_CONF:
		add_existing(run, fs, c->src_path ? c->src_path : c->config_path);
		*looked = kg_cis_conf_looked(run, ck->comp);
		*def = kg_cis_conf_default(ck->comp);
		break;
	case T_CNI:
		fs->files_only = true;
		walk(run, fs, cni[0], false);
		walk(run, fs, cni[1], false);
		*looked = "files under /etc/cni/net.d and /var/lib/cni/networks";
		*def = cni[0];
		break;
	case T_ETCD_DATADIR:
		add_existing(run, fs, etcd_data_dir(run));
		*looked = kg_cis_looked_for(run, kg_cis_etcd_datadirs);
		*def = kg_cis_etcd_datadirs[0];
		break;
	case T_ADMINCONF:
		add_existing(run, fs, admin[0]);
		add_existing(run, fs, admin[1]);
		*looked = kg_cis_looked_for(run, admin);
		break;
	case T_SCHED_KUBECONFIG:
		add_existing(run, fs, sched_kubeconfig(run));
		*looked = kg_cis_looked_for(run, kg_cis_sched_kubeconfigs);
		*def = kg_cis_sched_kubeconfigs[0];
		break;
	case T_CM_KUBECONFIG:
		add_existing(run, fs, flag_or_first(run, KG_CIS_CONTROLLERMANAGER, "kubeconfig", kg_cis_cm_kubeconfigs));
		*looked = kg_cis_looked_for(run, kg_cis_cm_kubeconfigs);
		*def = kg_cis_cm_kubeconfigs[0];
		break;
	case T_PKI:
		walk(run, fs, pki[0], true);
		*looked = pki[0];
		*def = pki[0];
		break;
	case T_PKI_CRT:
	case T_PKI_KEY:
		fs->files_only = true;
		fs->filter = ck->target == T_PKI_CRT ? ".crt" : ".key";
		walk(run, fs, pki[0], false);
		*looked = kg_arena_printf(&run->arena, "*%s files under %s", fs->filter, pki[0]);
		*def = pki[0];
		break;
	case T_KUBELET_UNIT:
		for (size_t i = 0; i < c->nunits; i++)
			add_existing(run, fs, c->units[i]);
		*looked = "kubelet.service and its drop-ins in the systemd unit directories";
		*def = "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf";
		break;
	case T_PROXY_KUBECONFIG:
		add_existing(run, fs, flag_or_first(run, KG_CIS_PROXY, "kubeconfig", kg_cis_proxy_kubeconfigs));
		*looked = kg_cis_looked_for(run, kg_cis_proxy_kubeconfigs);
		break;
	case T_KUBELET_KUBECONFIG:
		add_existing(run, fs, flag_or_first(run, KG_CIS_KUBELET, "kubeconfig", kg_cis_kubelet_kubeconfigs));
		*looked = kg_cis_looked_for(run, kg_cis_kubelet_kubeconfigs);
		*def = kg_cis_kubelet_kubeconfigs[0];
		break;
	case T_KUBELET_CAFILE: {
		const char *p = c->loaded ? kg_cis_flag_path(run, KG_CIS_KUBELET, "client-ca-file") : NULL;
		if (!p && c->config)
			p = kg_cis_abs(run, kg_str(kg_cis_config_at(c, "authentication.x509.clientCAFile", false, NULL)));
		if (!p || !kg_cis_exists(run, p))
			p = kg_cis_first_existing(run, kg_cis_kubelet_cafiles);
		add_existing(run, fs, p);
		*looked = kg_cis_looked_for(run, kg_cis_kubelet_cafiles);
		*def = "/etc/kubernetes/pki/ca.crt";
		break;
	}
	case T_KUBELET_CONF: /* the config in use: the --config file and every --config-dir drop-in */
		add_existing(run, fs, c->config_path);
		for (size_t i = 0; i < c->ndropins; i++)
			add_existing(run, fs, c->dropins[i]);
		break;
	case T_NONE:
		break;
	}
}

static void eval_files(struct kg_cis_run *run, struct kg_cis_eval *ev)
{
	const struct kg_cis_check *ck = ev->check;
	struct files fs = { 0 };
	const char *looked, *def;
	target_files(run, ck, &fs, &looked, &def);
	if (!fs.n) {
		const struct kg_cis_comp *c = ck->comp < KG_CIS_NCOMP ? &run->comp[ck->comp] : NULL;
		bool required = !c || ck->comp != KG_CIS_ETCD || (run->roles & KG_CIS_ROLE_ETCD);
		if (c && ck->comp == KG_CIS_PROXY)
			required = c->absent_is_error;
		if (c && !c->loaded && !c->src_path) {
			if (required && !ck->absent_ok)
				kg_cis_undecided(run, ev, NULL, "%s", c->absent ? c->absent : "component not found");
			else
				kg_cis_na(run, ev, "%s", c->absent ? c->absent : "component not found");
			return;
		}
		if (ck->absent_ok) {
			kg_cis_actual(run, ev, NULL, "not present");
			return;
		}
		struct kg_cis_loc at = { kg_cis_display(run, def ? def : "/"), 0, 0, NULL, NULL };
		kg_cis_undecided(run, ev, &at, "no file found (looked for %s)", looked ? looked : "the component's file");
		return;
	}
	const char *first_bad = NULL;
	for (size_t i = 0; i < fs.n; i++) {
		struct stat st;
		if (kg_cis_stat(run, fs.v[i], &st) != 0)
			continue;
		struct kg_cis_loc at = { kg_cis_display(run, fs.v[i]), 0, 0, NULL, NULL };
		const char *actual;
		bool ok;
		if (ck->kind == K_MODE) {
			actual = kg_arena_printf(&run->arena, "%o", (unsigned)(st.st_mode & 07777));
			ok = kg_cis_compare("bitmask", actual, ck->want);
		} else {
			actual = kg_cis_owner(run, st.st_uid, st.st_gid);
			ok = !strcmp(actual, ck->want);
		}
		if (ok)
			continue;
		if (!first_bad) {
			first_bad = actual;
			kg_cis_actual(run, ev, &at, "%s", actual);
		}
		if (ck->kind == K_MODE)
			kg_cis_fail(run, ev, &at, actual, "permissions %s, expected %s or more restrictive; fix: chmod %s %s", actual,
				    ck->want, ck->want, fs.v[i]);
		else
			kg_cis_fail(run, ev, &at, actual, "owner %s, expected %s; fix: chown %s %s", actual, ck->want, ck->want,
				    fs.v[i]);
	}
	if (!first_bad) {
		struct stat st;
		struct kg_cis_loc at = { kg_cis_display(run, fs.v[0]), 0, 0, NULL, NULL };
		if (kg_cis_stat(run, fs.v[0], &st) == 0)
			kg_cis_actual(run, ev, &at, "%s",
				      ck->kind == K_MODE ? kg_arena_printf(&run->arena, "%o", (unsigned)(st.st_mode & 07777))
							 : kg_cis_owner(run, st.st_uid, st.st_gid));
	}
}

void kg_cis_evaluate(struct kg_cis_run *run, struct kg_cis_eval *ev)
{
	const struct kg_cis_check *ck = ev->check;
	if (ck->kind == K_REVIEW) {
		kg_cis_na(run, ev, "manual review: not decidable from the node's files");
		return;
	}
	if (ck->kind == K_MODE || ck->kind == K_OWNER) {
		eval_files(run, ev);
		return;
	}
	const struct kg_cis_comp *c = &run->comp[ck->comp];
	if (!c->loaded) {
		bool required = ck->comp != KG_CIS_PROXY || c->absent_is_error;
		if (required)
			kg_cis_undecided(run, ev, NULL, "%s", c->absent ? c->absent : "component not found");
		else
			kg_cis_na(run, ev, "%s", c->absent ? c->absent : "component not found");
		return;
	}
	if (ck->special)
		ck->special(run, ev);
	else
		kg_cis_eval_items(run, ev, true);
}
