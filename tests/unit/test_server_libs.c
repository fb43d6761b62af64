/* The dlopen table of libmicrohttpd and GnuTLS (src/server/libs.c): every member resolves, the
 * libraries stay out of the global scope, and a missing library or symbol gives a one-line message
 * naming it and the Debian package. */
#include <dlfcn.h>

#include "harness.h"
#include "server/libs.h"

TEST(every_symbol_resolves)
{
	const char *err = NULL;
	const struct kg_tls_libs *L = kg_tls_libs(&err);
	CHECK(L != NULL);
	CHECK(err == NULL);
	if (!L)
		return;
	int missing = 0;
#define KG_CHECK_MEMBER(f)                                           \
	if (!L->f) {                                                 \
		fprintf(stderr, "  %s not resolved\n", #f);          \
		missing++;                                           \
	}
	KG_MHD_FUNCS(KG_CHECK_MEMBER)
	KG_GNUTLS_FUNCS(KG_CHECK_MEMBER)
#undef KG_CHECK_MEMBER
	CHECK_INT(missing, 0);
	CHECK(L->free_fn != NULL && *L->free_fn != NULL);
	CHECK(L->mhd != NULL && L->gnutls != NULL);
	/* the pointers are callable and are GnuTLS's */
	CHECK_STR(L->gnutls_strerror(GNUTLS_E_SUCCESS), "Success.");
	gnutls_datum_t d = { NULL, 0 };
	CHECK(L->gnutls_load_file("/nonexistent/kguard-test.pem", &d) == GNUTLS_E_FILE_ERROR);
	/* loaded once */
	CHECK(kg_tls_libs(&err) == L);
}

TEST(libraries_not_global)
{
	const char *err;
	CHECK(kg_tls_libs(&err) != NULL);
	/* RTLD_LOCAL and not on the link line: nothing else in the process binds to them */
	CHECK(dlsym(RTLD_DEFAULT, "MHD_start_daemon") == NULL);
	CHECK(dlsym(RTLD_DEFAULT, "gnutls_load_file") == NULL);
}

TEST(open_close_defaults)
{
	struct kg_tls_libs t;
	char msg[512] = "";
	CHECK_INT(kg_tls_libs_open(&t, NULL, NULL, msg, sizeof(msg)), 0);
	CHECK_STR(msg, "");
	CHECK(t.MHD_start_daemon != NULL && t.gnutls_pubkey_deinit != NULL);
	kg_tls_libs_close(&t);
	CHECK(t.mhd == NULL && t.gnutls == NULL && t.MHD_start_daemon == NULL);
}

TEST(missing_library)
{
	struct kg_tls_libs t;
	char msg[512];
	CHECK_INT(kg_tls_libs_open(&t, "libmicrohttpd.so.999", NULL, msg, sizeof(msg)), -1);
	CHECK(strstr(msg, "HTTPS support needs libmicrohttpd.so.999 (Debian package libmicrohttpd999): ") == msg);
	CHECK(strchr(msg, '\n') == NULL);
	CHECK(t.mhd == NULL && t.gnutls == NULL && t.MHD_start_daemon == NULL);

	CHECK_INT(kg_tls_libs_open(&t, NULL, "libgnutls.so.999", msg, sizeof(msg)), -1);
	CHECK(strstr(msg, "HTTPS support needs libgnutls.so.999 (Debian package libgnutls999): ") == msg);
	CHECK(t.mhd == NULL && t.gnutls == NULL);

	/* a name ending in a digit takes a dash before the version (Debian policy 8.1) */
	CHECK_INT(kg_tls_libs_open(&t, "libkgtest2.so.1", NULL, msg, sizeof(msg)), -1);
	CHECK(strstr(msg, "(Debian package libkgtest2-1)") != NULL);
}

TEST(missing_symbol)
{
	struct kg_tls_libs t;
	char msg[512];
	/* a library that loads but is not libmicrohttpd */
	CHECK_INT(kg_tls_libs_open(&t, "libc.so.6", NULL, msg, sizeof(msg)), -1);
	CHECK_STR(msg, "libc.so.6 has no MHD_start_daemon (install a newer libc6)");
	CHECK(t.mhd == NULL && t.gnutls == NULL && t.MHD_start_daemon == NULL);
}
