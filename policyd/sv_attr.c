/* SPDX-License-Identifier: MIT */
#include "sv_attr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "missing.h"
#include "sv_mem.h"
#include "util.h"

bool sv_is_xattrat(int nr)
{
	return nr == SYS_setxattrat || nr == SYS_removexattrat;
}

bool sv_is_times(int nr)
{
	return nr == SYS_utimensat || nr == SYS_futimesat || nr == SYS_utimes ||
	       nr == SYS_utime;
}

/* setxattrat's struct xattr_args (usize bytes at a[4]): the value's
 * address, its size and the xattr flags. */
static int xattr_args_read(struct call *k, uint64_t *val_at,
			   struct xattr_req *x)
{
	const __u64 *a = k->n->data.args;
	size_t usize = (size_t)a[5];
	uint8_t st[SV_PAGE];
	if (usize < 16)
		return -EINVAL;
	if (usize > SV_PAGE)
		return -E2BIG;
	if (sv_mem_read(k->c.pid, a[4], st, usize) < 0)
		return -EFAULT;
	for (size_t i = 16; i < usize; i++)
		if (st[i])
			return -E2BIG;
	uint32_t sz, fl;
	memcpy(val_at, st, 8);
	memcpy(&sz, st + 8, 4);
	memcpy(&fl, st + 12, 4);
	x->size = sz;
	x->flags = (int)fl;
	return 0;
}

/* The capability the kernel wants, beyond access to the file, of whoever
 * sets or removes attribute name (xattr_permission, cap_inode_setxattr):
 * CAP_SYS_ADMIN for trusted.* and for security.* (security labels, IMA,
 * EVM), CAP_SETFCAP for security.capability (file capabilities); -1 for
 * the others (user.*, system.*: the file's owner and mode decide). */
static int xattr_cap(const char *name)
{
	if (!strcmp(name, "security.capability"))
		return 31; /* CAP_SETFCAP */
	if (!strncmp(name, "trusted.", 8) || !strncmp(name, "security.", 9))
		return 21; /* CAP_SYS_ADMIN */
	return -1;
}

/* why: policyd sets and removes attributes with its own capabilities,
 * which a session does not have (agent-shell drops CAP_SYS_ADMIN and
 * CAP_SETFCAP, and switching fsuid keeps them): a session would give a
 * file capabilities or a trusted.* attribute through policyd. The
 * caller's effective set decides, as it would for its own call: 0, or
 * -EPERM (also when the set cannot be read: fail closed). */
static int xattr_caller_may(pid_t pid, const char *name)
{
	int cap = xattr_cap(name);
	if (cap < 0)
		return 0;
	char p[64], buf[4096];
	snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (n <= 0)
		return -EPERM;
	buf[n] = '\0';
	const char *e = strstr(buf, "\nCapEff:\t");
	if (!e)
		return -EPERM;
	unsigned long long eff = strtoull(e + 9, NULL, 16);
	return (eff >> cap) & 1 ? 0 : -EPERM;
}

int sv_xattr_read(struct call *k, int lflags, struct xattr_req *x)
{
	const __u64 *a = k->n->data.args;
	int nr = (int)k->n->data.nr;
	x->set = nr == SYS_setxattr || nr == SYS_lsetxattr ||
		 nr == SYS_fsetxattr || nr == SYS_setxattrat;
	x->val = NULL;
	x->size = 0;
	x->flags = 0;
	uint64_t name_at = a[1], val_at = a[2];
	if (!sv_is_xattrat(nr)) {
		if (x->set) {
			x->size = (size_t)a[3];
			x->flags = (int)a[4]; /* checked by the call itself */
		}
	} else {
		name_at = a[3];
		int r = x->set ? xattr_args_read(k, &val_at, x) : 0;
		if (r < 0)
			return r;
		if (lflags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
			return -EINVAL;
		if ((unsigned)x->flags &
		    ~(unsigned)(XATTR_CREATE | XATTR_REPLACE))
			return -EINVAL;
	}
	size_t len;
	int r = sv_mem_str(name_at, x->name, sizeof(x->name), &len);
	if (r == -ENAMETOOLONG || (r == 0 && len == 0))
		return -ERANGE;
	if (r < 0)
		return -EFAULT;
	if ((r = xattr_caller_may(k->c.pid, x->name)) < 0)
		return r;
	if (!x->set || !x->size)
		return 0;
	if (x->size > 65536)
		return -E2BIG;
	if (!(x->val = malloc(x->size)))
		return -ENOMEM;
	return sv_mem_read(k->c.pid, val_at, x->val, x->size) < 0 ? -EFAULT : 0;
}

int sv_xattr_apply(const struct xattr_req *x, int fd, const char *path)
{
	long r =
	    path ? (x->set ? setxattr(path, x->name, x->val, x->size, x->flags)
			   : removexattr(path, x->name))
	    : x->set ? fsetxattr(fd, x->name, x->val, x->size, x->flags)
		     : fremovexattr(fd, x->name);
	return r < 0 ? -errno : 0;
}

/* An fd of -1 with an empty path is EBADF where the flag is known, EINVAL
 * where it is not. */
bool sv_times_by_descriptor(void)
{
	static int ok = -1;
	if (ok < 0) {
		errno = 0;
		ok = utimensat(-1, "", NULL, AT_EMPTY_PATH) < 0 &&
		     errno == EBADF;
	}
	return ok == 1;
}

/* utime's struct utimbuf, utimes' and futimesat's struct timeval[2], as
 * utimensat's times. */
static int times_convert(int nr, uint64_t at, struct timespec ts[2])
{
	if (nr == SYS_utime) {
		int64_t u[2]; /* struct utimbuf: actime, modtime */
		if (sv_mem_copy(at, u, sizeof(u)) < 0)
			return -EFAULT;
		for (int i = 0; i < 2; i++)
			ts[i] = (struct timespec){.tv_sec = u[i]};
		return 0;
	}
	struct timeval tv[2];
	if (sv_mem_copy(at, tv, sizeof(tv)) < 0)
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i] = (struct timespec){.tv_sec = tv[i].tv_sec,
					  .tv_nsec = tv[i].tv_usec * 1000};
	}
	return 0;
}

int sv_times_read(struct call *k, int lflags, struct timespec ts[2],
		  struct timespec **tp)
{
	const __u64 *a = k->n->data.args;
	int nr = (int)k->n->data.nr;
	uint64_t at = nr == SYS_utimensat || nr == SYS_futimesat ? a[2] : a[1];
	*tp = NULL;
	if (nr == SYS_utimensat &&
	    (lflags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)))
		return -EINVAL;
	if (!at)
		return 0;
	if (nr == SYS_utimensat) {
		/* (the nanoseconds are checked after the file is found: by
		 * utimensat on it) */
		if (sv_mem_copy(at, ts, 2 * sizeof(ts[0])) < 0)
			return -EFAULT;
	} else {
		int r = times_convert(nr, at, ts);
		if (r < 0)
			return r;
	}
	*tp = ts;
	return 0;
}
