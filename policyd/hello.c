/* SPDX-License-Identifier: MIT */
/* hello: a session's fast-path snapshot as a file. See hello.h. */
#include "hello.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "util.h"

/* RUNDIR/hello, made on first use: searchable, not listable, so a session
 * finds its own snapshot by name and learns no other session's id */
static int hello_dir(void)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/hello", D.rd.dir);
	if (mkdir(p, 0711) < 0 && errno != EEXIST)
		return -errno;
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid()) {
		/* not ours: someone made it before policyd could */
		close(fd);
		return -EPERM;
	}
	return fd;
}

int hello_file_write(const char *sid, uid_t uid, const uint8_t *msg, size_t n)
{
	_cleanup_close_ int dfd = hello_dir();
	if (dfd < 0)
		return dfd;
	char tmp[64];
	snprintf(tmp, sizeof(tmp), ".%.32s.new", sid);
	(void)unlinkat(dfd, tmp, 0);
	_cleanup_close_ int fd =
	    openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		   0400);
	if (fd < 0)
		return -errno;
	int r = 0;
	/* the session's processes read it as its user (system mode: policyd
	 * is root, the session is not) */
	if (geteuid() != uid && fchown(fd, uid, (gid_t)-1) < 0)
		r = -errno;
	else if (write(fd, msg, n) != (ssize_t)n)
		r = -EIO;
	else if (renameat(dfd, tmp, dfd, sid) < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(dfd, tmp, 0);
	return r;
}

void hello_file_remove(const char *sid)
{
	char p[700];
	snprintf(p, sizeof(p), "%s/hello/%s", D.rd.dir, sid);
	(void)unlink(p);
}
