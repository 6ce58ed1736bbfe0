/* SPDX-License-Identifier: MIT */
/*
 * Fake processes for the unit tests of policyd's decision path: a tree
 * shaped like /proc (PID/stat, status, cmdline, cgroup, and the links cwd,
 * exe, root, fd/N as plain symlinks) under a test directory, which
 * procfs_set_root() makes policyd read instead of /proc. A fake process
 * whose root links to "/" shares policyd's root; one whose root links to
 * a directory is chrooted there as far as policyd can tell.
 *
 *   fake_proc(root, &(struct fake_proc){.pid = 4242, .ppid = 4241, ...});
 */
#ifndef TG_TEST_FAKEPROC_H
#define TG_TEST_FAKEPROC_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

struct fake_proc {
	pid_t pid, ppid;
	unsigned long long start; /* clock ticks since boot */
	uid_t uid;
	const char *comm;
	const char *cwd, *exe, *root; /* link targets; NULL: none */
	const char *cmdline;	      /* NUL-separated, cmdline_len bytes */
	size_t cmdline_len;
	const char *cgroup; /* "0::/path" line's path; NULL: none */
	int threads;
};

static inline int fake_write(const char *dir, const char *name,
			     const char *data, size_t len)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "we");
	if (!f)
		return -errno;
	size_t w = fwrite(data, 1, len, f);
	fclose(f);
	return w == len ? 0 : -EIO;
}

static inline int fake_link(const char *dir, const char *name, const char *to)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	unlink(p);
	return to && symlink(to, p) < 0 ? -errno : 0;
}

/* root/PID/..., replacing what was there (root: under 1 KiB). 0 or
 * -errno. */
static inline int fake_proc(const char *root, const struct fake_proc *fp)
{
	char dir[2048], buf[1024], fd[2100];
	snprintf(dir, sizeof(dir), "%s/%d", root, (int)fp->pid);
	mkdir(root, 0700);
	mkdir(dir, 0700);
	snprintf(fd, sizeof(fd), "%s/fd", dir);
	mkdir(fd, 0700);
	int n =
	    snprintf(buf, sizeof(buf),
		     "%d (%s) S %d 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 %d 0 "
		     "%llu 0 0\n",
		     (int)fp->pid, fp->comm ? fp->comm : "fake", (int)fp->ppid,
		     fp->threads ? fp->threads : 1, fp->start);
	int r = fake_write(dir, "stat", buf, (size_t)n);
	n = snprintf(buf, sizeof(buf),
		     "Name:\t%s\nUmask:\t0022\nTgid:\t%d\nPPid:\t%d\n"
		     "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nGroups:\t\n"
		     "Threads:\t%d\nSeccomp:\t2\n",
		     fp->comm ? fp->comm : "fake", (int)fp->pid, (int)fp->ppid,
		     fp->uid, fp->uid, fp->uid, fp->uid, fp->uid, fp->uid,
		     fp->uid, fp->uid, fp->threads ? fp->threads : 1);
	if (r == 0)
		r = fake_write(dir, "status", buf, (size_t)n);
	if (r == 0)
		r = fake_write(dir, "cmdline", fp->cmdline ? fp->cmdline : "",
			       fp->cmdline ? fp->cmdline_len : 0);
	n = snprintf(buf, sizeof(buf), "0::%s\n",
		     fp->cgroup ? fp->cgroup : "/");
	if (r == 0)
		r = fake_write(dir, "cgroup", buf, (size_t)n);
	if (r == 0)
		r = fake_link(dir, "cwd", fp->cwd);
	if (r == 0)
		r = fake_link(dir, "exe", fp->exe);
	if (r == 0)
		r = fake_link(dir, "root", fp->root);
	return r;
}

/* root/PID/fd/N -> to. */
static inline int fake_fd(const char *root, pid_t pid, int n, const char *to)
{
	char dir[2048], name[32];
	snprintf(dir, sizeof(dir), "%s/%d/fd", root, (int)pid);
	snprintf(name, sizeof(name), "%d", n);
	return fake_link(dir, name, to);
}

#endif
