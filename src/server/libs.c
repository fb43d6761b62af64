/* dlopen of libmicrohttpd and GnuTLS (see libs.h). Sonames come from the build (the Makefile reads
 * them from the installed development libraries); RTLD_LOCAL keeps their symbols out of the global
 * scope, RTLD_NOW reports a missing symbol here rather than at the first call. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "libs.h"

#ifndef KG_MHD_SONAME
#define KG_MHD_SONAME "libmicrohttpd.so.12"
#endif
#ifndef KG_GNUTLS_SONAME
#define KG_GNUTLS_SONAME "libgnutls.so.30"
#endif

_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "dlsym results stored as function pointers");

/* Debian names a shared-library package after its soname: libfoo.so.3 is libfoo3, libfoo2.so.1 is
 * libfoo2-1 (policy 8.1). */
static void deb_package(const char *soname, char *out, size_t n)
{
	const char *so = strstr(soname, ".so.");
	if (!so) {
		snprintf(out, n, "%s", soname);
		return;
	}
	int len = (int)(so - soname);
	bool digit = len > 0 && soname[len - 1] >= '0' && soname[len - 1] <= '9';
	snprintf(out, n, "%.*s%s%s", len, soname, digit ? "-" : "", so + 4);
}

static void *open_lib(const char *soname, char *msg, size_t msgsz)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		char pkg[128];
		deb_package(soname, pkg, sizeof(pkg));
		const char *e = dlerror();
		snprintf(msg, msgsz, "HTTPS support needs %s (Debian package %s): %s", soname, pkg, e ? e : "not found");
	}
	return h;
}

/* Store a dlsym result in a function-pointer member (memcpy: no object/function pointer cast). */
static bool sym(void *h, const char *name, void *member, const char *soname, char *msg, size_t msgsz)
{
	dlerror();
	void *p = dlsym(h, name);
	if (!p) {
		char pkg[128];
		deb_package(soname, pkg, sizeof(pkg));
		snprintf(msg, msgsz, "%s has no %s (install a newer %s)", soname, name, pkg);
		return false;
	}
	memcpy(member, &p, sizeof(p));
	return true;
}

int kg_tls_libs_open(struct kg_tls_libs *t, const char *mhd_soname, const char *gnutls_soname, char *msg,
		     size_t msgsz)
{
	memset(t, 0, sizeof(*t));
	const char *ms = mhd_soname ? mhd_soname : KG_MHD_SONAME;
	const char *gs = gnutls_soname ? gnutls_soname : KG_GNUTLS_SONAME;
	if (!(t->gnutls = open_lib(gs, msg, msgsz)) || !(t->mhd = open_lib(ms, msg, msgsz)))
		goto fail;
	void *h = t->mhd;
	const char *so = ms;
#define KG_TLS_LOAD(f)                          \
	if (!sym(h, #f, &t->f, so, msg, msgsz)) \
		goto fail;
	KG_MHD_FUNCS(KG_TLS_LOAD)
	h = t->gnutls;
	so = gs;
	KG_GNUTLS_FUNCS(KG_TLS_LOAD)
#undef KG_TLS_LOAD
	if (sym(h, "gnutls_free", &t->free_fn, so, msg, msgsz))
		return 0;
fail:
	kg_tls_libs_close(t);
	return -1;
}

void kg_tls_libs_close(struct kg_tls_libs *t)
{
	if (t->mhd)
		dlclose(t->mhd);
	if (t->gnutls)
		dlclose(t->gnutls);
	memset(t, 0, sizeof(*t));
}

static struct kg_tls_libs g_libs;
static char g_err[512];
static bool g_ok;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void load_once(void)
{
	g_ok = kg_tls_libs_open(&g_libs, NULL, NULL, g_err, sizeof(g_err)) == 0;
}

const struct kg_tls_libs *kg_tls_libs(const char **err)
{
	pthread_once(&g_once, load_once);
	if (!g_ok) {
		*err = g_err;
		return NULL;
	}
	return &g_libs;
}
