/* SPDX-License-Identifier: MIT */
/* ip_path: path checks for the local decisions. See ip_path.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ip_path.h"
#include "ip_state.h"
#include "util.h"

bool ip_path_is_normal(const char *p)
{
	size_t n = 0;
	for (const char *c = p; *c; c++, n++) {
		if (*c != '/')
			continue;
		if (c[1] == '/' || c[1] == '\0')
			return c == p && c[1] == '\0'; /* "/" alone is normal */
		if (c[1] == '.' &&
		    (c[2] == '/' || c[2] == '\0' ||
		     (c[2] == '.' && (c[3] == '/' || c[3] == '\0'))))
			return false;
	}
	return n < 4096;
}

bool ip_path_join(const char *dir, const char *path, char *out, size_t cap)
{
	size_t a = ip_slen(dir), b = ip_slen(path);
	if (a + 1 + b >= cap)
		return false;
	memcpy(out, dir, a);
	out[a] = '/';
	memcpy(out + a + 1, path, b + 1);
	return true;
}

static long raw_readlink(void *ctx, const char *path, char *buf, size_t sz)
{
	(void)ctx;
	long n = syscall(SYS_readlinkat, AT_FDCWD, path, buf, sz - 1);
	return n < 0 ? -errno : n;
}

bool ip_path_realpath(const char *abs, char *out, size_t cap)
{
	int saved = errno;
	bool ok =
	    tg_resolve_links(abs, raw_readlink, NULL, false, out, cap) == 0;
	errno = saved;
	return ok;
}
