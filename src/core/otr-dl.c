/* SPDX-License-Identifier: MIT */
/*
 * Opening libotr on first use (see otr-dl.h): dlopen() of its soname,
 * found at configure time, and dlsym() of every function otr*.c calls.
 * core layer.
 */
#include "config.h"

#include <dlfcn.h>

#define OTR_DL_IMPLEMENTATION
#include "otr-internal.h"

#define OTR_DL_DEFINE(f) __typeof__(f) *otr_dl_##f;
OTR_DL_FUNCS(OTR_DL_DEFINE)
#undef OTR_DL_DEFINE

/* Load libotr; true when every function was found (once is enough). */
bool
otr_dl_open(GError **error)
{
	static void *lib;
	const char *missing = NULL;

	if (lib != NULL)
		return true;
	lib = dlopen(OTR_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "OTR is not available: %s",
		    dlerror());
		return false;
	}
#define OTR_DL_LOOKUP(f) \
	if (missing == NULL && \
	    (otr_dl_##f = (__typeof__(f) *)dlsym(lib, #f)) == NULL) \
		missing = #f;
	OTR_DL_FUNCS(OTR_DL_LOOKUP)
#undef OTR_DL_LOOKUP
	if (missing != NULL) {
		g_set_error(error, G_FILE_ERROR, 0, "OTR is not available: "
		    "%s has no %s", OTR_SONAME, missing);
		dlclose(lib);
		lib = NULL;
		return false;
	}
	return true;
}
