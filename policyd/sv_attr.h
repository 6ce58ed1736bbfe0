/* SPDX-License-Identifier: MIT */
/*
 * sv_attr: the arguments of the extended-attribute and timestamp calls, read
 * from the caller's memory once and checked as the kernel checks them, in
 * its order (what it checks before it looks at the file fails first), so
 * that policyd, which then does the call on the file it decided on, fails
 * it as the kernel would.
 */
#ifndef TIERGATE_SV_ATTR_H
#define TIERGATE_SV_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sv_call.h"

/* An extended-attribute call (setxattr, lsetxattr, fsetxattr, the remove
 * calls, setxattrat, removexattrat) as the caller made it. */
struct xattr_req {
	bool set;
	char name[256];
	void *val; /* size bytes, malloc'd; NULL when there are none */
	size_t size;
	int flags; /* XATTR_CREATE, XATTR_REPLACE */
};

/* setxattrat, removexattrat: by (dirfd, path, flags). */
bool sv_is_xattrat(int nr);
/* utimensat, futimesat, utimes, utime. */
bool sv_is_times(int nr);

/* Reads x for k with the kernel's checks, in its order, before anything
 * about the file: for the at-calls usize and the struct xattr_args (bytes
 * past the ones it knows must be zero), the call's flags lflags and the
 * xattr flags; then, for all, the name (ERANGE when empty or over 255
 * bytes) and the value (E2BIG over 64 KiB). 0 or -errno; x->val is the
 * caller's to free in both cases. */
int sv_xattr_read(struct call *k, int lflags, struct xattr_req *x);
/* Does x on the descriptor fd, or with path (not NULL) through that path:
 * the magic link of a file policyd holds, which acts on the held object
 * itself, a symlink's too. 0 or -errno. */
int sv_xattr_apply(const struct xattr_req *x, int fd, const char *path);

/* The times k's call asks for, as utimensat takes them (*tp NULL: now),
 * read once from the caller's memory and checked as the kernel checks
 * them, in its order (utimensat's flags lflags, a bad pointer, then bad
 * times, come before anything about the file). 0 or -errno. */
int sv_times_read(struct call *k, int lflags, struct timespec ts[2],
		  struct timespec **tp);
/* Can policyd set a held file's times (utimensat with AT_EMPTY_PATH on an
 * O_PATH descriptor, Linux 5.8)? Asked once. Where it cannot, timestamps
 * by path are decided and left to the kernel. */
bool sv_times_by_descriptor(void);

#endif
