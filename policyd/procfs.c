/* SPDX-License-Identifier: MIT */
#include "procfs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/ioctl.h>
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

/* "/proc/PID/name" into out */
static void proc_path(char *out, size_t outsz, pid_t pid, const char *name)
{
	snprintf(out, outsz, "/proc/%d/%s", (int)pid, name);
}

static int read_proc(pid_t pid, const char *name, char *buf, size_t bufsz,
		     size_t *ret_len)
{
	char path[64];
	proc_path(path, sizeof(path), pid, name);
	return read_file(path, buf, bufsz, ret_len);
}

static int open_proc(pid_t pid, const char *name)
{
	char path[64];
	proc_path(path, sizeof(path), pid, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int procfs_stat(pid_t pid, struct proc_stat *ret)
{
	char buf[1024];
	int r = read_proc(pid, "stat", buf, sizeof(buf), NULL);
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
static int readlinkat_str(int dirfd, const char *path, char *out, size_t outsz)
{
	ssize_t n = readlinkat(dirfd, path, out, outsz - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= outsz - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return 0;
}

static int readlink_str(const char *path, char *out, size_t outsz)
{
	return readlinkat_str(AT_FDCWD, path, out, outsz);
}

int procfs_link(pid_t pid, const char *what, char *out, size_t outsz)
{
	char path[128];
	proc_path(path, sizeof(path), pid, what);
	return readlink_str(path, out, outsz);
}

/* "Key:\tvalue..." → the value, or NULL when line is not that key */
static const char *status_field(const char *line, const char *key)
{
	size_t n = strlen(key);
	if (strncmp(line, key, n) || line[n] != ':')
		return NULL;
	return line + n + 1;
}

/* up to max unsigned numbers in base from s; returns how many */
static int status_nums(const char *s, int base, unsigned long *v, int max)
{
	int k = 0;
	while (k < max) {
		char *end;
		errno = 0;
		unsigned long x = strtoul(s, &end, base);
		if (end == s || errno)
			break;
		v[k++] = x;
		s = end;
	}
	return k;
}

/* Parsed by hand: this runs for every notified call, and sscanf over the
 * ~55 lines of /proc/PID/status cost more than the kernel's rendering. */
int procfs_status(pid_t pid, struct proc_status *st)
{
	char buf[8192];
	int r = read_proc(pid, "status", buf, sizeof(buf), NULL);
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
		const char *v;
		unsigned long n[4];
		switch (line[0]) {
		case 'U':
			/* real, effective, saved, fs */
			if ((v = status_field(line, "Uid")) &&
			    status_nums(v, 10, n, 4) == 4) {
				st->euid = (uid_t)n[1];
				st->fsuid = (uid_t)n[3];
				seen |= 1;
			} else if ((v = status_field(line, "Umask")) &&
				   status_nums(v, 8, n, 1) == 1) {
				st->umask = (mode_t)(n[0] & 07777);
			}
			break;
		case 'G':
			if ((v = status_field(line, "Gid")) &&
			    status_nums(v, 10, n, 4) == 4) {
				st->fsgid = (gid_t)n[3];
				seen |= 2;
			} else if ((v = status_field(line, "Groups"))) {
				unsigned long g[64];
				int k = status_nums(v, 10, g, 64);
				for (int i = 0; i < k; i++)
					st->groups[i] = (gid_t)g[i];
				st->ngroups = k;
			}
			break;
		case 'P':
			if ((v = status_field(line, "PPid")) &&
			    status_nums(v, 10, n, 1) == 1) {
				st->ppid = (pid_t)n[0];
				seen |= 4;
			}
			break;
		case 'T':
			if ((v = status_field(line, "Threads")) &&
			    status_nums(v, 10, n, 1) == 1)
				st->threads = (int)n[0];
			else if ((v = status_field(line, "Tgid")) &&
				 status_nums(v, 10, n, 1) == 1)
				st->tgid = (pid_t)n[0];
			break;
		case 'S':
			if ((v = status_field(line, "Seccomp")) &&
			    status_nums(v, 10, n, 1) == 1)
				st->seccomp = (int)n[0];
			break;
		default:
			break;
		}
		line = nl ? nl + 1 : NULL;
	}
	return seen == 7 ? 0 : -EINVAL;
}

int procfs_shared_writable_text(pid_t pid, const uint64_t *addrs, size_t n)
{
	_cleanup_close_ int fd = open_proc(pid, "maps");
	if (fd < 0)
		return fd;
	/* one line at a time from a buffer refilled by read; lines are
	 * "lo-hi perms offset dev inode [name]"; names can be long */
	char buf[8192];
	size_t have = 0;
	bool eof = false;
	for (;;) {
		char *nl = memchr(buf, '\n', have);
		if (!nl) {
			if (eof)
				return 0;
			if (have == sizeof(buf))
				have = 0; /* a very long name: skip it */
			ssize_t k = read(fd, buf + have, sizeof(buf) - have);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -errno;
			if (k == 0) {
				eof = true;
				if (have && have < sizeof(buf))
					buf[have++] = '\n';
			}
			have += (size_t)(k > 0 ? k : 0);
			continue;
		}
		*nl = '\0';
		char *q = buf, *end;
		unsigned long lo = strtoul(q, &end, 16), hi = 0;
		bool ok = *end == '-';
		if (ok) {
			q = end + 1;
			hi = strtoul(q, &end, 16);
			ok = *end == ' ' && strlen(end) >= 5;
		}
		if (ok && end[2] == 'w' && end[4] == 's')
			for (size_t i = 0; i < n; i++)
				if (addrs[i] >= lo && addrs[i] < hi)
					return 1;
		size_t used = (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, have - used);
		have -= used;
	}
}

/* linux/fs.h of 6.11; Debian 12's headers predate it */
struct tg_procmap_query {
	uint64_t size, query_flags, query_addr, vma_start, vma_end, vma_flags,
	    vma_page_size, vma_offset, inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};
#define TG_PROCMAP_QUERY _IOWR('f', 17, struct tg_procmap_query)
#define TG_PROCMAP_WRITABLE 0x02
#define TG_PROCMAP_SHARED 0x08

int procfs_shared_writable(pid_t pid, const uint64_t *addrs, size_t n)
{
	static bool no_query; /* the kernel has no PROCMAP_QUERY */
	if (no_query)
		return procfs_shared_writable_text(pid, addrs, n);
	_cleanup_close_ int fd = open_proc(pid, "maps");
	if (fd < 0)
		return fd;
	/* one query per mapping: the addresses usually share two or three
	 * (the path and argv[0] in the program's data, argv on the stack,
	 * in turns), so skip those the mappings seen so far cover */
	uint64_t lo[4] = {1, 1, 1, 1}, hi[4] = {0, 0, 0, 0};
	unsigned nseen = 0;
	for (size_t i = 0; i < n; i++) {
		bool covered = false;
		for (unsigned k = 0; k < 4 && !covered; k++)
			covered = addrs[i] >= lo[k] && addrs[i] < hi[k];
		if (covered)
			continue;
		struct tg_procmap_query q = {.size = sizeof(q),
					     .query_addr = addrs[i]};
		if (ioctl(fd, TG_PROCMAP_QUERY, &q) < 0) {
			if (errno == ENOENT)
				continue; /* unmapped: the exec faults */
			if (errno == ENOTTY || errno == EINVAL) {
				no_query = true;
				return procfs_shared_writable_text(pid, addrs,
								   n);
			}
			return -errno;
		}
		if ((q.vma_flags & TG_PROCMAP_WRITABLE) &&
		    (q.vma_flags & TG_PROCMAP_SHARED))
			return 1;
		lo[nseen % 4] = q.vma_start;
		hi[nseen % 4] = q.vma_end;
		nseen++;
	}
	return 0;
}

/* linux/pidfd.h of 6.13 (the first version of the struct) */
struct tg_pidfd_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid,
	    fsgid;
	int32_t exit_code;
};
#define TG_PIDFD_GET_INFO _IOWR(0xFF, 11, struct tg_pidfd_info)
#define TG_PIDFD_INFO_PID 1ULL
#define TG_PIDFD_INFO_CREDS 2ULL
#define TG_PIDFD_THREAD O_EXCL

int procfs_pidfd_open(pid_t pid)
{
	/* the notification's pid is a thread id; PIDFD_THREAD (6.9) takes
	 * one, older kernels only take a thread group leader */
	int fd = (int)syscall(SYS_pidfd_open, pid, TG_PIDFD_THREAD);
	if (fd < 0 && errno == EINVAL)
		fd = (int)syscall(SYS_pidfd_open, pid, 0);
	return fd < 0 ? -errno : fd;
}

int procfs_status_brief(pid_t pid, struct proc_status *st)
{
	static bool no_info;
	if (no_info)
		return procfs_status(pid, st);
	_cleanup_close_ int pfd = procfs_pidfd_open(pid);
	if (pfd < 0)
		return pfd;
	struct tg_pidfd_info in = {.mask =
				       TG_PIDFD_INFO_PID | TG_PIDFD_INFO_CREDS};
	if (ioctl(pfd, TG_PIDFD_GET_INFO, &in) < 0) {
		if (errno != ENOTTY && errno != EINVAL)
			return -errno;
		no_info = true;
		return procfs_status(pid, st);
	}
	if ((in.mask & (TG_PIDFD_INFO_PID | TG_PIDFD_INFO_CREDS)) !=
	    (TG_PIDFD_INFO_PID | TG_PIDFD_INFO_CREDS))
		return procfs_status(pid, st);
	memset(st, 0, sizeof(*st));
	st->ppid = (pid_t)in.ppid;
	st->tgid = (pid_t)in.tgid;
	st->euid = in.euid;
	st->fsuid = in.fsuid;
	st->fsgid = in.fsgid;
	st->umask = 022;
	st->seccomp = -1; /* not known here */
	/* procfs counts a thread group's tasks in its task/ link count */
	char p[64];
	struct stat ts;
	proc_path(p, sizeof(p), pid, "task");
	if (stat(p, &ts) < 0)
		return -errno;
	st->threads = ts.st_nlink > 2 ? (int)(ts.st_nlink - 2) : 1;
	return 0;
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
	char buf[4096];
	int r = read_proc(pid, "cgroup", buf, sizeof(buf), NULL);
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
	return read_proc(pid, "cmdline", buf, bufsz, ret_len);
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

/* The end of the last ".." component of path, or NULL. */
static const char *last_dotdot(const char *path)
{
	const char *end = NULL;
	for (const char *c = path; *c; c++)
		if ((c == path || c[-1] == '/') && c[0] == '.' && c[1] == '.' &&
		    (c[2] == '/' || !c[2]))
			end = c + 2;
	return end;
}

/*
 * base + path as the kernel walks it. ".." after a symlink leads to the
 * parent of the link's target, not of the link, so a lexical fold would
 * name another file ("out/link/../key" is not "out/key" when link points
 * elsewhere): the part up to the last ".." is resolved by the kernel, in
 * the caller's root, and only the rest is folded.
 */
/* a + sep + b into out: 0, or -ENAMETOOLONG (nothing cut) */
static int join3(char *out, size_t outsz, const char *a, const char *sep,
		 const char *b)
{
	size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
	if (la + ls + lb >= outsz)
		return -ENAMETOOLONG;
	memmove(out, a, la);
	memcpy(out + la, sep, ls);
	memmove(out + la + ls, b, lb + 1);
	return 0;
}

static int join_walked(pid_t pid, const char *base, const char *path, char *out,
		       size_t outsz)
{
	char joined[TG_PATH_MAX];
	if ((path[0] == '/'
		 ? join3(joined, sizeof(joined), "", "", path)
		 : join3(joined, sizeof(joined), base, "/", path)) < 0)
		return -ENAMETOOLONG;
	const char *dd = last_dotdot(joined);
	int r;
	if (!dd) {
		r = tg_path_normalize("/", joined, out, outsz);
		return r < 0 ? r : map_self(pid, out, outsz);
	}
	char head[TG_PATH_MAX], real[TG_PATH_MAX];
	memcpy(head, joined, (size_t)(dd - joined));
	head[dd - joined] = '\0';
	r = procfs_realpath_existing(pid, false, head, real, sizeof(real));
	if (r < 0)
		return r;
	const char *rest = dd;
	while (*rest == '/')
		rest++;
	r = *rest ? tg_path_normalize(real, rest, out, outsz)
		  : tg_path_normalize("/", real, out, outsz);
	return r < 0 ? r : map_self(pid, out, outsz);
}

int procfs_resolve_at(pid_t pid, int dirfd, const char *path, char *out,
		      size_t outsz)
{
	char base[TG_PATH_MAX];
	if (!path || !*path)
		return -ENOENT;
	if (path[0] == '/')
		return join_walked(pid, "/", path, out, outsz);
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
	return join_walked(pid, base, path, out, outsz);
}

/* Canonical name of what fd refers to, from our root. */
/* policyd's own /proc/PID/fd directory and pid, kept open: every decision
 * on a path asks the kernel for the name of a descriptor, and walking
 * "/proc/self/fd/N" from / each time was a fifth of policyd's time under
 * load. Reset in a forked child (the directory is the parent's). */
static int self_fd_dir = -1;
static pid_t self_pid;
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void self_forked(void)
{
	self_fd_dir = -1;
	self_pid = 0;
}

static void self_register(void)
{
	pthread_atfork(NULL, NULL, self_forked);
}

static pid_t my_pid(void)
{
	pthread_once(&self_once, self_register);
	pid_t p = __atomic_load_n(&self_pid, __ATOMIC_RELAXED);
	if (!p) {
		p = getpid();
		__atomic_store_n(&self_pid, p, __ATOMIC_RELAXED);
	}
	return p;
}

static int fd_path(int fd, char *out, size_t outsz)
{
	char name[16];
	snprintf(name, sizeof(name), "%d", fd);
	int dir = __atomic_load_n(&self_fd_dir, __ATOMIC_ACQUIRE);
	if (dir < 0) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/%d/fd", (int)my_pid());
		int nd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (nd < 0)
			return -errno;
		int expect = -1;
		if (__atomic_compare_exchange_n(&self_fd_dir, &expect, nd,
						false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			dir = nd;
		else {
			close(nd); /* another thread was first */
			dir = expect;
		}
	}
	return readlinkat_str(dir, name, out, outsz);
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
	if (strncmp(p, "/proc/", 6) || p[6] < '1' || p[6] > '9')
		return false;
	char *end;
	errno = 0;
	unsigned long n = strtoul(p + 6, &end, 10);
	return end != p + 6 && errno == 0 && (*end == '/' || !*end) &&
	       n == (unsigned long)my_pid();
}

/* If the component of work starting at child is a symlink in directory
 * dirfd, its target into target (terminated) and the length of work up to
 * the end of that component; else 0. One component, nothing followed: the
 * same in the caller's root as in ours. */
static size_t symlink_below(int dirfd, const char *work, const char *child,
			    char *target, size_t cap)
{
	const char *ce = strchr(child, '/');
	size_t nl = ce ? (size_t)(ce - child) : strlen(child);
	char name[NAME_MAX + 1];
	struct stat st;
	if (!nl || nl > NAME_MAX)
		return 0;
	memcpy(name, child, nl);
	name[nl] = '\0';
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISLNK(st.st_mode))
		return 0;
	ssize_t tl = readlinkat(dirfd, name, target, cap - 1);
	if (tl <= 0)
		return 0;
	target[tl] = '\0';
	return (size_t)(child + nl - work);
}

/* work[0..end) names a dangling symlink to target: creating through it
 * creates the target, so the walk goes on from the target, with the rest
 * of work after the link (cur starts again at the whole). */
static int follow_dangling(char *work, char *cur, size_t end,
			   const char *target, int *hops)
{
	if (++*hops > 40)
		return -ELOOP;
	char dir[TG_PATH_MAX], next[TG_PATH_MAX * 2], norm[TG_PATH_MAX];
	memcpy(dir, work, end);
	dir[end] = '\0';
	char *sl = strrchr(dir, '/');
	if (sl == dir)
		dir[1] = '\0';
	else if (sl)
		*sl = '\0';
	snprintf(next, sizeof(next), "%s%s", target, work + end);
	if (tg_path_normalize(dir, next, norm, sizeof(norm)) < 0)
		return -ENAMETOOLONG;
	memcpy(work, norm, strlen(norm) + 1);
	memcpy(cur, work, strlen(work) + 1);
	return 0;
}

/* If the component of work starting at child is a symlink in dirfd, the
 * walk goes on from its target: 1, or -errno; 0 when it is not one. */
static int follow_if_dangling(int dirfd, char *work, char *cur,
			      const char *child, int *hops)
{
	char target[TG_PATH_MAX];
	size_t e = symlink_below(dirfd, work, child, target, sizeof(target));
	if (!e)
		return 0;
	int r = follow_dangling(work, cur, e, target, hops);
	return r < 0 ? r : 1;
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
		proc_path(rp, sizeof(rp), pid, "root");
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
	/* the name just below cur was not found (ENOENT): once a prefix
	 * opens, that name is looked at without following it, in the
	 * prefix's directory (one component: no second walk from the root) */
	bool below_missing = false;
	/* Walked without following any symlink first: a prefix that opens so
	 * is its own canonical name (work is normalised: no ".", ".."), and
	 * asking the kernel for the descriptor's name was a fifth of a
	 * decision. The first symlink (ELOOP) switches to walks that follow
	 * them, and the name comes from the descriptor. */
	bool literal = true;
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
		if (literal)
			how.resolve |= RESOLVE_NO_SYMLINKS;
		int fd =
		    (int)syscall(SYS_openat2, rootfd >= 0 ? rootfd : AT_FDCWD,
				 cur, &how, sizeof(how));
		if (fd < 0 && errno == ELOOP && literal) {
			/* a symlink on the way: again, following it */
			literal = false;
			continue;
		}
		if (fd < 0 && errno == ELOOP)
			/* a magic link (or a symlink loop) on the way */
			return own_root
				   ? resolve_as_process(pid, work, out, outsz)
				   : -ELOOP;
		if (fd >= 0 && below_missing) {
			/* the name below cur is missing: a dangling link? */
			int r = follow_if_dangling(
			    fd, work, cur, work + strlen(cur) + 1, &hops);
			if (r) {
				close(fd);
				if (r < 0)
					return r;
				below_missing = false;
				continue;
			}
		}
		if (fd >= 0) {
			char real[TG_PATH_MAX];
			const char *res = real;
			int r = literal ? 0 : fd_path(fd, real, sizeof(real));
			close(fd);
			if (r < 0)
				return r;
			size_t rl = strlen(root);
			if (literal)
				res = cur; /* no symlink followed: as walked */
			else if (rl && !strncmp(real, root, rl) &&
				 (real[rl] == '/' || !real[rl]))
				res = real + rl; /* back to the caller's view */
			if (join3(out, outsz, *res ? res : "/", "",
				  work + strlen(cur)) < 0)
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
		below_missing = errno == ENOENT;
		char *slash = strrchr(cur, '/');
		if (!slash || slash == cur) {
			/* nothing below the root exists: the first name may
			 * still be a dangling symlink, looked at in the root */
			int r = 0;
			if (below_missing) {
				int rfd = rootfd >= 0
					      ? rootfd
					      : open("/", O_PATH | O_DIRECTORY |
							      O_CLOEXEC);
				if (rfd >= 0)
					r = follow_if_dangling(rfd, work, cur,
							       work + 1, &hops);
				if (rfd >= 0 && rfd != rootfd)
					close(rfd);
			}
			if (r < 0)
				return r;
			if (r) {
				below_missing = false;
				continue;
			}
			if (strlen(work) >= outsz)
				return -ENAMETOOLONG;
			memcpy(out, work, strlen(work) + 1);
			return 0;
		}
		*slash = '\0';
	}
}
