/* SPDX-License-Identifier: MIT */
#include "procfs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

static int read_file(const char *path, char *buf, size_t bufsz, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	while (len + 1 < bufsz) {
		ssize_t k = read(fd, buf + len, bufsz - 1 - len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	return 0;
}

int procfs_stat(pid_t pid, struct proc_stat *ret)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int r = read_file(path, buf, sizeof(buf), NULL);
	if (r < 0)
		return r;
	/* comm may hold spaces and parentheses: split at the last ')' */
	char *l = strchr(buf, '('), *rp = strrchr(buf, ')');
	if (!l || !rp || rp < l)
		return -EINVAL;
	struct proc_stat st = {.pid = pid};
	size_t cl = (size_t)(rp - l - 1);
	if (cl >= sizeof(st.comm))
		cl = sizeof(st.comm) - 1;
	memcpy(st.comm, l + 1, cl);
	st.comm[cl] = '\0';
	/* fields after comm: state(3) ppid(4) ... starttime(22) */
	char *p = rp + 2;
	int field = 3;
	char *save = NULL;
	for (char *tok = strtok_r(p, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save), field++) {
		if (field == 4)
			st.ppid = (pid_t)strtol(tok, NULL, 10);
		if (field == 22) {
			st.starttime = strtoull(tok, NULL, 10);
			*ret = st;
			return 0;
		}
	}
	return -EINVAL;
}

/* readlink into a NUL-terminated buffer; a target that fills it is an
 * error, never silently cut. */
static int readlink_str(const char *path, char *out, size_t outsz)
{
	ssize_t n = readlink(path, out, outsz - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= outsz - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return 0;
}

int procfs_link(pid_t pid, const char *what, char *out, size_t outsz)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	return readlink_str(path, out, outsz);
}

int procfs_status(pid_t pid, struct proc_status *st)
{
	char path[64], buf[8192];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	int r = read_file(path, buf, sizeof(buf), NULL);
	if (r < 0)
		return r;
	memset(st, 0, sizeof(*st));
	st->umask = 022;
	st->threads = 1;
	int seen = 0;
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		unsigned a, b, c, d;
		/* real, effective, saved, fs */
		if (sscanf(line, "Uid: %u %u %u %u", &a, &b, &c, &d) == 4) {
			st->euid = b;
			st->fsuid = d;
			seen |= 1;
		} else if (sscanf(line, "Gid: %u %u %u %u", &a, &b, &c, &d) ==
			   4) {
			st->fsgid = d;
			seen |= 2;
		} else if (sscanf(line, "Umask: %o", &a) == 1) {
			st->umask = (mode_t)a;
		} else if (sscanf(line, "Threads: %u", &a) == 1) {
			st->threads = (int)a;
		} else if (sscanf(line, "Seccomp: %u", &a) == 1) {
			st->seccomp = (int)a;
		} else if (!strncmp(line, "Groups:", 7)) {
			char *q = line + 7;
			while (st->ngroups < (int)(sizeof(st->groups) /
						   sizeof(st->groups[0]))) {
				char *end;
				unsigned long g = strtoul(q, &end, 10);
				if (end == q)
					break;
				st->groups[st->ngroups++] = (gid_t)g;
				q = end;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return seen == 3 ? 0 : -EINVAL;
}

int procfs_uid(pid_t pid, uid_t *ret_uid)
{
	struct proc_status st;
	int r = procfs_status(pid, &st);
	if (r == 0)
		*ret_uid = st.euid;
	return r;
}

bool procfs_seccomp_filtered(pid_t pid)
{
	struct proc_status st;
	return procfs_status(pid, &st) == 0 && st.seccomp == 2;
}

int procfs_cgroup(pid_t pid, char *out, size_t outsz)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	int r = read_file(path, buf, sizeof(buf), NULL);
	if (r < 0)
		return r;
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(line, "0::", 3)) {
			if (strlen(line + 3) >= outsz)
				return -ENAMETOOLONG;
			memcpy(out, line + 3, strlen(line + 3) + 1);
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

int procfs_cmdline(pid_t pid, char *buf, size_t bufsz, size_t *ret_len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	return read_file(path, buf, bufsz, ret_len);
}

int procfs_cgroup2_mount(char *out, size_t outsz)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/mounts", "re");
	if (!f)
		return -errno;
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		char dev[256], mnt[512], type[64];
		if (sscanf(line, "%255s %511s %63s", dev, mnt, type) != 3)
			continue;
		if (!strcmp(type, "cgroup2")) {
			if (strlen(mnt) >= outsz)
				return -ENAMETOOLONG;
			memcpy(out, mnt, strlen(mnt) + 1);
			return 0;
		}
	}
	return -ENOENT;
}

/* On a normalised path: /proc/self and /proc/thread-self (as whole
 * components) are the caller's /proc/PID. Returns 1 if it mapped. */
static int map_self(pid_t pid, char *path, size_t sz)
{
	static const char *const pre[] = {"/proc/self", "/proc/thread-self"};
	for (size_t i = 0; i < TG_ARRAY_SIZE(pre); i++) {
		size_t l = strlen(pre[i]);
		if (strncmp(path, pre[i], l) || (path[l] && path[l] != '/'))
			continue;
		char tmp[TG_PATH_MAX];
		int n = snprintf(tmp, sizeof(tmp), "/proc/%d%s", (int)pid,
				 path + l);
		if (n < 0 || (size_t)n >= sz)
			return -ENAMETOOLONG;
		memcpy(path, tmp, (size_t)n + 1);
		return 1;
	}
	return 0;
}

static bool is_self_ref(const char *path)
{
	return (!strncmp(path, "/proc/self", 10) &&
		(path[10] == '/' || !path[10])) ||
	       (!strncmp(path, "/proc/thread-self", 17) &&
		(path[17] == '/' || !path[17]));
}

int procfs_resolve_at(pid_t pid, int dirfd, const char *path, char *out,
		      size_t outsz)
{
	char base[TG_PATH_MAX];
	if (!path || !*path)
		return -ENOENT;
	if (path[0] == '/') {
		int r = tg_path_normalize("/", path, out, outsz);
		return r < 0 ? r : map_self(pid, out, outsz);
	}
	int r;
	if (dirfd == AT_FDCWD) {
		r = procfs_link(pid, "cwd", base, sizeof(base));
	} else {
		char what[32];
		if (dirfd < 0)
			return -EBADF;
		snprintf(what, sizeof(what), "fd/%d", dirfd);
		r = procfs_link(pid, what, base, sizeof(base));
	}
	if (r < 0)
		return r;
	if (base[0] != '/')
		return -ENOTDIR; /* a socket, pipe, deleted dir ... */
	r = tg_path_normalize(base, path, out, outsz);
	return r < 0 ? r : map_self(pid, out, outsz);
}

/* Canonical name of what fd refers to, from our root. */
static int fd_path(int fd, char *out, size_t outsz)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	return readlink_str(link, out, outsz);
}

struct mapped_ctx {
	pid_t pid;
};

/* readlink as the process sees it: its /proc/self is its /proc/PID */
static long mapped_readlink(void *ctx, const char *path, char *buf, size_t sz)
{
	const struct mapped_ctx *m = ctx;
	if (!strcmp(path, "/proc/self") || !strcmp(path, "/proc/thread-self")) {
		int n = snprintf(buf, sz, "/proc/%d", (int)m->pid);
		return n < 0 || (size_t)n >= sz ? -ENAMETOOLONG : n;
	}
	ssize_t n = readlink(path, buf, sz - 1);
	return n < 0 ? -errno : n;
}

/* The slow walk, one readlink per component, with the process's /proc
 * self; for paths through magic links (/proc/PID/fd/N, cwd, root) or
 * anything that would otherwise resolve in policyd's own /proc. */
static int resolve_as_process(pid_t pid, const char *path, char *out,
			      size_t outsz)
{
	struct mapped_ctx m = {.pid = pid};
	char res[TG_PATH_MAX];
	int r =
	    tg_resolve_links(path, mapped_readlink, &m, true, res, sizeof(res));
	if (r < 0)
		return r;
	return tg_path_normalize("/", res, out, outsz);
}

/* Does a canonical path lie in policyd's own /proc entry? */
static bool in_own_proc(const char *p)
{
	char mine[32];
	int n = snprintf(mine, sizeof(mine), "/proc/%d", (int)getpid());
	return !strncmp(p, mine, (size_t)n) && (p[n] == '/' || !p[n]);
}

int procfs_realpath_existing(pid_t pid, bool own_root, const char *path,
			     char *out, size_t outsz)
{
	/* Let the kernel walk the path once: open the longest existing prefix
	 * with O_PATH (symlinks followed, nothing is read or executed) and ask
	 * what it is. For another process the walk happens in its root
	 * (openat2 RESOLVE_IN_ROOT on /proc/PID/root). */
	_cleanup_close_ int rootfd = -1;
	char root[TG_PATH_MAX] = "";
	if (!own_root) {
		char rp[64];
		snprintf(rp, sizeof(rp), "/proc/%d/root", (int)pid);
		rootfd = open(rp, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			return -errno;
		if (fd_path(rootfd, root, sizeof(root)) < 0)
			return -EINVAL;
		if (!strcmp(root, "/"))
			root[0] = '\0';
	}
	char work[TG_PATH_MAX], cur[TG_PATH_MAX];
	if (strlen(path) >= sizeof(work) || path[0] != '/')
		return -EINVAL;
	memcpy(work, path, strlen(path) + 1);
	memcpy(cur, work, strlen(work) + 1);
	int hops = 0;
	for (;;) {
		/* a walk that would reach /proc/self goes the slow way, with
		 * the process's self (chroot is refused in sessions, so only
		 * the shared-root case can take it) */
		if (is_self_ref(cur))
			return own_root
				   ? resolve_as_process(pid, work, out, outsz)
				   : -ELOOP;
		struct open_how how = {.flags = O_PATH | O_CLOEXEC,
				       .resolve = RESOLVE_NO_MAGICLINKS};
		if (rootfd >= 0)
			how.resolve |= RESOLVE_IN_ROOT;
		int fd =
		    (int)syscall(SYS_openat2, rootfd >= 0 ? rootfd : AT_FDCWD,
				 cur, &how, sizeof(how));
		if (fd < 0 && errno == ELOOP)
			/* a magic link (or a symlink loop) on the way */
			return own_root
				   ? resolve_as_process(pid, work, out, outsz)
				   : -ELOOP;
		if (fd >= 0) {
			char real[TG_PATH_MAX];
			int r = fd_path(fd, real, sizeof(real));
			close(fd);
			if (r < 0)
				return r;
			const char *res = real;
			size_t rl = strlen(root);
			if (rl && !strncmp(real, root, rl) &&
			    (real[rl] == '/' || !real[rl]))
				res = real + rl; /* back to the caller's view */
			int n = snprintf(out, outsz, "%s%s", *res ? res : "/",
					 work + strlen(cur));
			if (n < 0 || (size_t)n >= outsz)
				return -ENAMETOOLONG;
			char norm[TG_PATH_MAX];
			if (tg_path_normalize("/", out, norm, sizeof(norm)) < 0)
				return -ENAMETOOLONG;
			memcpy(out, norm, strlen(norm) + 1);
			/* through a plain symlink to /proc/self: policyd's */
			if (own_root && in_own_proc(out))
				return resolve_as_process(pid, work, out,
							  outsz);
			return 0;
		}
		if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
			return -errno;
		/* A missing target may be a dangling symlink: creating through
		 * it creates its target, so the target is what to decide on. */
		if (errno == ENOENT) {
			struct open_how lhow = {
			    .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
			    .resolve = RESOLVE_NO_MAGICLINKS};
			if (rootfd >= 0)
				lhow.resolve |= RESOLVE_IN_ROOT;
			int lfd = (int)syscall(SYS_openat2,
					       rootfd >= 0 ? rootfd : AT_FDCWD,
					       cur, &lhow, sizeof(lhow));
			if (lfd >= 0) {
				struct stat st;
				char target[TG_PATH_MAX];
				ssize_t tl = -1;
				if (fstat(lfd, &st) == 0 && S_ISLNK(st.st_mode))
					tl = readlinkat(lfd, "", target,
							sizeof(target) - 1);
				close(lfd);
				if (tl > 0) {
					if (++hops > 40)
						return -ELOOP;
					target[tl] = '\0';
					char dir[TG_PATH_MAX],
					    next[TG_PATH_MAX * 2];
					memcpy(dir, cur, strlen(cur) + 1);
					char *sl = strrchr(dir, '/');
					if (sl == dir)
						dir[1] = '\0';
					else if (sl)
						*sl = '\0';
					snprintf(next, sizeof(next), "%s%s",
						 target, work + strlen(cur));
					char norm[TG_PATH_MAX];
					if (tg_path_normalize(dir, next, norm,
							      sizeof(norm)) < 0)
						return -ENAMETOOLONG;
					memcpy(work, norm, strlen(norm) + 1);
					memcpy(cur, work, strlen(work) + 1);
					continue;
				}
			}
		}
		char *slash = strrchr(cur, '/');
		if (!slash || slash == cur) {
			if (strlen(work) >= outsz)
				return -ENAMETOOLONG;
			memcpy(out, work, strlen(work) + 1);
			return 0;
		}
		*slash = '\0';
	}
}
