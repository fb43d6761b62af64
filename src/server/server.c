/* libmicrohttpd + GnuTLS server (see server.h). The certificate callback serves the current
 * credentials and reloads them when the files change; superseded credentials are kept for a few
 * generations so that handshakes that already picked them can finish. GnuTLS's callback has no
 * user pointer, so one TLS server per process is supported (kg_server_start refuses a second).
 * Both libraries are called through the table of libs.h, loaded when the first server starts. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libs.h"
#include "server.h"

#define MAX_CHAIN 8
#define KEEP_GENERATIONS 8

struct cred {
	gnutls_pcert_st pcert[MAX_CHAIN];
	unsigned n;
	gnutls_privkey_t key;
};

struct filestamp {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct kg_server {
	struct kg_server_opts o;
	const struct kg_tls_libs *lib;
	struct MHD_Daemon *d;
	int fd;
	unsigned port;
	kg_http_handler handler;
	void *ctx;
	pthread_mutex_t lock; /* credentials and stats */
	struct cred *gens[KEEP_GENERATIONS];
	unsigned ngens;
	struct filestamp cert_st, key_st;
	time_t last_check;
	struct kg_server_stats stats;
};

static struct kg_server *g_tls_server; /* the one the certificate callback serves */
static pthread_mutex_t g_tls_lock = PTHREAD_MUTEX_INITIALIZER;

void kg_server_opts_default(struct kg_server_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_body = 12u << 20;
	o->max_conns = 256;
	o->per_ip_conns = 64;
	o->timeout_s = 30;
	o->drain_s = 10;
	o->threads = 1;
}

static void logf_(struct kg_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct kg_server *s, const char *fmt, ...)
{
	if (!s->o.log)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->o.log(s->o.log_ctx, msg);
}

/* ---- credentials ---- */

static void cred_free(const struct kg_tls_libs *L, struct cred *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->n; i++)
		L->gnutls_pcert_deinit(&c->pcert[i]);
	if (c->key)
		L->gnutls_privkey_deinit(c->key);
	free(c);
}

static int stamp(const char *path, struct filestamp *st)
{
	struct stat s;
	if (stat(path, &s))
		return -1;
	st->dev = s.st_dev;
	st->ino = s.st_ino;
	st->size = s.st_size;
	st->mtime = s.st_mtim;
	return 0;
}

static bool same_stamp(const struct filestamp *a, const struct filestamp *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Load and check a certificate chain and its key; NULL with msg filled on failure. */
static struct cred *cred_load(const struct kg_tls_libs *L, const char *cert_file, const char *key_file, char *msg,
			      size_t msgsz)
{
	gnutls_datum_t cd = { NULL, 0 }, kd = { NULL, 0 };
	struct cred *c = calloc(1, sizeof(*c));
	int r;
	if (!c)
		abort();
	if ((r = L->gnutls_load_file(cert_file, &cd)) < 0) {
		snprintf(msg, msgsz, "cannot read certificate %s: %s", cert_file, L->gnutls_strerror(r));
		goto fail;
	}
	if ((r = L->gnutls_load_file(key_file, &kd)) < 0) {
		snprintf(msg, msgsz, "cannot read key %s: %s", key_file, L->gnutls_strerror(r));
		goto fail;
	}
	c->n = MAX_CHAIN;
	if ((r = L->gnutls_pcert_list_import_x509_raw(c->pcert, &c->n, &cd, GNUTLS_X509_FMT_PEM, 0)) < 0 || c->n == 0) {
		c->n = 0;
		snprintf(msg, msgsz, "invalid certificate %s: %s", cert_file, r < 0 ? L->gnutls_strerror(r) : "no certificate");
		goto fail;
	}
	if ((r = L->gnutls_privkey_init(&c->key)) < 0 ||
	    (r = L->gnutls_privkey_import_x509_raw(c->key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		snprintf(msg, msgsz, "invalid private key %s: %s", key_file, L->gnutls_strerror(r));
		goto fail;
	}
	/* The key must belong to the leaf certificate. */
	gnutls_pubkey_t pub;
	gnutls_datum_t a = { NULL, 0 }, b = { NULL, 0 };
	bool match = false;
	if (L->gnutls_pubkey_init(&pub) == 0) {
		if (L->gnutls_pubkey_import_privkey(pub, c->key, 0, 0) == 0 &&
		    L->gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &a) == 0 &&
		    L->gnutls_pubkey_export2(c->pcert[0].pubkey, GNUTLS_X509_FMT_DER, &b) == 0)
			match = a.size == b.size && memcmp(a.data, b.data, a.size) == 0;
		(*L->free_fn)(a.data);
		(*L->free_fn)(b.data);
		L->gnutls_pubkey_deinit(pub);
	}
	if (!match) {
		snprintf(msg, msgsz, "private key %s does not match certificate %s", key_file, cert_file);
		goto fail;
	}
	(*L->free_fn)(cd.data);
	(*L->free_fn)(kd.data);
	return c;
fail:
	(*L->free_fn)(cd.data);
	(*L->free_fn)(kd.data);
	cred_free(L, c);
	return NULL;
}

static void push_gen(struct kg_server *s, struct cred *c)
{
	if (s->ngens == KEEP_GENERATIONS) {
		cred_free(s->lib, s->gens[0]);
		memmove(s->gens, s->gens + 1, (KEEP_GENERATIONS - 1) * sizeof(s->gens[0]));
		s->ngens--;
	}
	s->gens[s->ngens++] = c;
}

/* Called with s->lock held. */
static void maybe_reload(struct kg_server *s)
{
	time_t now = time(NULL);
	if (now == s->last_check)
		return;
	s->last_check = now;
	struct filestamp cs, ks;
	if (stamp(s->o.cert_file, &cs) || stamp(s->o.key_file, &ks))
		return; /* mid-rotation (file briefly missing): keep serving the old pair */
	if (same_stamp(&cs, &s->cert_st) && same_stamp(&ks, &s->key_st))
		return;
	char msg[512];
	struct cred *c = cred_load(s->lib, s->o.cert_file, s->o.key_file, msg, sizeof(msg));
	if (!c) {
		/* A half-written pair fails now and is retried next second, as the stamps still differ. */
		s->stats.tls_reload_errors++;
		logf_(s, "TLS reload failed, keeping the previous certificate: %s", msg);
		return;
	}
	s->cert_st = cs;
	s->key_st = ks;
	push_gen(s, c);
	s->stats.tls_reloads++;
	logf_(s, "TLS certificate reloaded from %s", s->o.cert_file);
}

static int cert_cb(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int nreqs,
		   const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
		   unsigned int *pcert_length, gnutls_privkey_t *pkey)
{
	(void)session;
	(void)req_ca_dn;
	(void)nreqs;
	(void)pk_algos;
	(void)pk_algos_length;
	pthread_mutex_lock(&g_tls_lock);
	struct kg_server *s = g_tls_server;
	int rc = -1;
	if (s) {
		pthread_mutex_lock(&s->lock);
		maybe_reload(s);
		struct cred *c = s->gens[s->ngens - 1];
		*pcert = c->pcert;
		*pcert_length = c->n;
		*pkey = c->key;
		pthread_mutex_unlock(&s->lock);
		rc = 0;
	}
	pthread_mutex_unlock(&g_tls_lock);
	return rc;
}

/* ---- requests ---- */

struct req_state {
	struct kg_buf body;
	bool too_large;
	bool answered;
	struct timespec start; /* headers received */
};

/* Whether a request has been reading its body for longer than request_timeout_s. */
static bool too_slow(struct kg_server *s, const struct req_state *st)
{
	if (!s->o.request_timeout_s)
		return false;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - st->start.tv_sec < (time_t)s->o.request_timeout_s)
		return false;
	pthread_mutex_lock(&s->lock);
	s->stats.timeouts++;
	pthread_mutex_unlock(&s->lock);
	logf_(s, "request body not received within %u s; connection closed", s->o.request_timeout_s);
	return true;
}

static enum MHD_Result respond(const struct kg_tls_libs *L, struct MHD_Connection *c, unsigned status,
			       const char *ctype, const char *data, size_t len)
{
	struct MHD_Response *r = L->MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	if (ctype)
		L->MHD_add_response_header(r, "Content-Type", ctype);
	enum MHD_Result rc = L->MHD_queue_response(c, status, r);
	L->MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result too_large(struct kg_server *s, struct MHD_Connection *c)
{
	pthread_mutex_lock(&s->lock);
	s->stats.too_large++;
	pthread_mutex_unlock(&s->lock);
	static const char msg[] = "{\"error\":\"request body too large\"}\n";
	return respond(s->lib, c, MHD_HTTP_CONTENT_TOO_LARGE, "application/json", msg, sizeof(msg) - 1);
}

static void peer_text(const struct kg_tls_libs *L, struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci = L->MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct kg_server *s = cls;
	struct req_state *st = *con_cls;
	(void)version;
	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st)
			return MHD_NO;
		kg_buf_init(&st->body, s->o.max_body);
		clock_gettime(CLOCK_MONOTONIC, &st->start);
		*con_cls = st;
		const char *cl = s->lib->MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > s->o.max_body) {
			st->too_large = st->answered = true;
			return too_large(s, c); /* answered before reading; MHD closes the connection */
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (too_slow(s, st))
			return MHD_NO; /* MHD closes the connection */
		if (!st->too_large && kg_buf_add(&st->body, upload_data, *upload_data_size)) {
			st->too_large = true;
			kg_buf_release(&st->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (st->answered)
		return MHD_YES;
	st->answered = true;
	pthread_mutex_lock(&s->lock);
	s->stats.requests++;
	pthread_mutex_unlock(&s->lock);
	if (st->too_large)
		return too_large(s, c);
	char peer[64];
	peer_text(s->lib, c, peer, sizeof(peer));
	const char *ct = s->lib->MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	struct kg_http_request req = { method, url, ct ? ct : "", st->body.data ? st->body.data : "", st->body.len, peer };
	struct kg_http_response resp;
	resp.status = 200;
	resp.content_type = "application/json";
	kg_buf_init(&resp.body, 0);
	s->handler(s->ctx, &req, &resp);
	enum MHD_Result rc = respond(s->lib, c, resp.status, resp.content_type, resp.body.data ? resp.body.data : "", resp.body.len);
	kg_buf_release(&resp.body);
	return rc;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct req_state *st = *con_cls;
	if (st) {
		kg_buf_release(&st->body);
		free(st);
		*con_cls = NULL;
	}
}

/* ---- listening socket ---- */

static int open_listener(const char *listen_s, unsigned *port_out, struct kg_diag *err)
{
	char host[256];
	const char *colon = strrchr(listen_s, ':');
	if (!colon || colon[1] == '\0') {
		kg_diag_set(err, NULL, 0, 0, "--listen takes ADDR:PORT (e.g. 127.0.0.1:8443 or [::1]:8443), not '%s'", listen_s);
		return -1;
	}
	size_t hl = (size_t)(colon - listen_s);
	if (hl >= sizeof(host)) {
		kg_diag_set(err, NULL, 0, 0, "listen address too long");
		return -1;
	}
	memcpy(host, listen_s, hl);
	host[hl] = '\0';
	char *end;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (*end || port > 65535) {
		kg_diag_set(err, NULL, 0, 0, "invalid port in '%s'", listen_s);
		return -1;
	}
	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	int family;
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1) {
			kg_diag_set(err, NULL, 0, 0, "invalid IPv6 address '%s'", host + 1);
			return -1;
		}
		sl = sizeof(*a);
		family = AF_INET6;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (hl == 0)
			a->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
			kg_diag_set(err, NULL, 0, 0, "invalid IPv4 address '%s' (use a numeric address)", host);
			return -1;
		}
		sl = sizeof(*a);
		family = AF_INET;
	}
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		kg_diag_set(err, NULL, 0, 0, "socket: %s", strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 128)) {
		kg_diag_set(err, NULL, 0, 0, "cannot listen on %s: %s", listen_s, strerror(errno));
		close(fd);
		return -1;
	}
	struct sockaddr_storage bound;
	socklen_t bl = sizeof(bound);
	getsockname(fd, (struct sockaddr *)&bound, &bl);
	*port_out = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port : ((struct sockaddr_in *)&bound)->sin_port);
	return fd;
}

struct kg_server *kg_server_start(const struct kg_server_opts *o, kg_http_handler h, void *ctx, struct kg_diag *err)
{
	if (!o->cert_file || !o->key_file) {
		kg_diag_set(err, NULL, 0, 0, "a TLS certificate and key are required");
		return NULL;
	}
	const char *lib_err;
	const struct kg_tls_libs *lib = kg_tls_libs(&lib_err);
	if (!lib) {
		kg_diag_set(err, NULL, 0, 0, "%s", lib_err);
		return NULL;
	}
	struct kg_server *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->o = *o;
	s->lib = lib;
	s->handler = h;
	s->ctx = ctx;
	s->fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	char msg[512];
	struct cred *c = cred_load(s->lib, o->cert_file, o->key_file, msg, sizeof(msg));
	if (!c) {
		kg_diag_set(err, NULL, 0, 0, "%s", msg);
		goto fail;
	}
	push_gen(s, c);
	stamp(o->cert_file, &s->cert_st);
	stamp(o->key_file, &s->key_st);
	s->last_check = time(NULL);
	pthread_mutex_lock(&g_tls_lock);
	if (g_tls_server) {
		pthread_mutex_unlock(&g_tls_lock);
		kg_diag_set(err, NULL, 0, 0, "only one TLS server per process is supported");
		goto fail;
	}
	g_tls_server = s;
	pthread_mutex_unlock(&g_tls_lock);
	s->fd = open_listener(o->listen ? o->listen : "127.0.0.1:8443", &s->port, err);
	if (s->fd < 0)
		goto unregister;
	unsigned flags = MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_EPOLL;
	s->d = s->lib->MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_LISTEN_SOCKET, s->fd,
				MHD_OPTION_HTTPS_CERT_CALLBACK, cert_cb,
				MHD_OPTION_HTTPS_PRIORITIES, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%SERVER_PRECEDENCE",
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)(o->max_conns ? o->max_conns : 256),
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->per_ip_conns,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(o->timeout_s ? o->timeout_s : 30),
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				o->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (unsigned)o->threads,
				MHD_OPTION_END);
	if (!s->d) {
		kg_diag_set(err, NULL, 0, 0, "cannot start the HTTPS server on %s", o->listen);
		goto unregister;
	}
	return s;
unregister:
	pthread_mutex_lock(&g_tls_lock);
	g_tls_server = NULL;
	pthread_mutex_unlock(&g_tls_lock);
fail:
	if (s->fd >= 0)
		close(s->fd);
	for (unsigned i = 0; i < s->ngens; i++)
		cred_free(s->lib, s->gens[i]);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return NULL;
}

unsigned kg_server_connections(const struct kg_server *s)
{
	const union MHD_DaemonInfo *di = s->lib->MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return di ? di->num_connections : 0;
}

void kg_server_stop(struct kg_server *s)
{
	if (!s)
		return;
	/* Stop accepting, then let requests in flight finish. */
	MHD_socket lfd = s->lib->MHD_quiesce_daemon(s->d);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	s->fd = -1;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (kg_server_connections(s) == 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= (time_t)s->o.drain_s)
			break;
		struct timespec nap = { 0, 20 * 1000000L };
		nanosleep(&nap, NULL);
	}
	s->lib->MHD_stop_daemon(s->d);
	pthread_mutex_lock(&g_tls_lock);
	if (g_tls_server == s)
		g_tls_server = NULL;
	pthread_mutex_unlock(&g_tls_lock);
	for (unsigned i = 0; i < s->ngens; i++)
		cred_free(s->lib, s->gens[i]);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

unsigned kg_server_port(const struct kg_server *s) { return s->port; }

void kg_server_stats(const struct kg_server *s, struct kg_server_stats *out)
{
	pthread_mutex_lock((pthread_mutex_t *)(uintptr_t)&s->lock);
	*out = s->stats;
	pthread_mutex_unlock((pthread_mutex_t *)(uintptr_t)&s->lock);
}
