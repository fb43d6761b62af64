/* libmicrohttpd and GnuTLS, loaded with dlopen when a server starts instead of linked: their
 * relocations and constructors cost every kguard process ~5 ms and ~200 page faults before main
 * (docs/dependencies.md), and only `kguard serve` and `kguard audit --listen` use them.
 *
 * Every function the server calls is a member of struct kg_tls_libs, named and typed after the
 * installed headers' prototype (__typeof__), so a signature mismatch is a compile error; the table
 * is filled once and never changes. Calling one of these functions directly still compiles but the
 * kguard link fails, as neither library is on the link line. */
#ifndef KG_SERVER_LIBS_H
#define KG_SERVER_LIBS_H

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <stddef.h>

#define KG_MHD_FUNCS(X)                                                                         \
	X(MHD_start_daemon) X(MHD_stop_daemon) X(MHD_quiesce_daemon) X(MHD_get_daemon_info)     \
	X(MHD_queue_response) X(MHD_create_response_from_buffer) X(MHD_destroy_response)        \
	X(MHD_add_response_header) X(MHD_lookup_connection_value) X(MHD_get_connection_info)

#define KG_GNUTLS_FUNCS(X)                                                                      \
	X(gnutls_load_file) X(gnutls_strerror) X(gnutls_pcert_list_import_x509_raw)             \
	X(gnutls_pcert_deinit) X(gnutls_privkey_init) X(gnutls_privkey_import_x509_raw)         \
	X(gnutls_privkey_deinit) X(gnutls_pubkey_init) X(gnutls_pubkey_import_privkey)          \
	X(gnutls_pubkey_export2) X(gnutls_pubkey_deinit)

struct kg_tls_libs {
#define KG_TLS_MEMBER(f) __typeof__(f) *f;
	KG_MHD_FUNCS(KG_TLS_MEMBER)
	KG_GNUTLS_FUNCS(KG_TLS_MEMBER)
#undef KG_TLS_MEMBER
	/* GnuTLS's gnutls_free is a variable holding the function (and a macro), read at each call. */
	__typeof__(gnutls_free) *free_fn;
	void *mhd, *gnutls; /* dlopen handles */
};

/* The process-wide table, loaded on first use (thread-safe); NULL with *err set to a one-line
 * message naming the library and the Debian package to install. */
const struct kg_tls_libs *kg_tls_libs(const char **err);

/* Load from the given sonames (NULL: the ones kguard was built against) into *t. Returns 0, or -1
 * with msg filled and nothing left open. For tests; kg_tls_libs_close undoes a success. */
int kg_tls_libs_open(struct kg_tls_libs *t, const char *mhd_soname, const char *gnutls_soname, char *msg,
		     size_t msgsz);
void kg_tls_libs_close(struct kg_tls_libs *t);

#endif
