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
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "missing.h"
#include "util.h"

/* Where procfs is mounted: "/proc", or a test's tree of fake processes. */
static const char *proc_root = "/proc";

void procfs_set_root(const char *root)
{
	proc_root = root ? root : "/proc";
}

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
		/* what read_proc reads (stat, status, cgroup: one record
		 * made whole per read; cmdline, environ: copied until the
		 * count or the end) comes whole in one read that leaves
		 * room: no second read to see the end */
		if ((size_t)k < bufsz - 1 - (len - (size_t)k))
			break;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	return 0;
}

int procfs_path(pid_t pid, const char *name, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s/%d/%s", proc_root, (int)pid, name);
	return n < 0 || (size_t)n >= outsz ? -ENAMETOOLONG : 0;
}

/* "/proc/PID/name" into out (short names: never cut) */
static void proc_path(char *out, size_t outsz, pid_t pid, const char *name)
{
	(void)procfs_path(pid, name, out, outsz);
}

/*
 * /proc/PID/status and /proc/PID/cmdline stay open for the processes asked
 * about last: a process that makes many calls (git writing objects, its
 * deletes audited with its command line) costs one read per notification
 * instead of an open, a read and a close. Each read makes the file anew
 * for the task it was opened on (its credentials, its command line after
 * an exec), and never for another: a process that ended (its pid free for
 * reuse) reads ESRCH, and is opened again. Only on the real /proc (a
 * test's tree has plain files, rewritten between reads).
 */
enum kept_file { KEPT_STATUS, KEPT_CMDLINE, KEPT_FILES };
static const char *const kept_name[KEPT_FILES] = {"status", "cmdline"};
#define KEEP_PROCS 32
static struct {
	pid_t pid;	    /* 0: a free slot */
	int fd[KEPT_FILES]; /* 0: not open */
	uint32_t used;
} keep[KEEP_PROCS];
static uint32_t keep_clock;
static pthread_mutex_t keep_lock = PTHREAD_MUTEX_INITIALIZER;

/* One read of a kept file into buf: its length, or -errno. status comes
 * whole in one read or not at all (a full buffer is an error); cmdline is
 * cut at the buffer, as read_file cuts it, and may be empty (a process
 * whose memory is gone). */
static ssize_t kept_read(int fd, enum kept_file f, char *buf, size_t bufsz)
{
	ssize_t n = pread(fd, buf, bufsz - 1, 0);
	if (n < 0)
		return -errno;
	if (f == KEPT_STATUS && (n == 0 || (size_t)n >= bufsz - 1))
		return -EIO;
	return n;
}

static int read_kept(pid_t pid, enum kept_file f, char *buf, size_t bufsz,
		     size_t *ret_len)
{
	pthread_mutex_lock(&keep_lock);
	int slot = -1, oldest = 0;
	for (int i = 0; i < KEEP_PROCS; i++) {
		if (keep[i].pid == pid && pid > 0)
			slot = i;
		if (keep[i].used < keep[oldest].used)
			oldest = i;
	}
	ssize_t n = -1;
	if (slot >= 0 && keep[slot].fd[f] > 0) {
		n = kept_read(keep[slot].fd[f], f, buf, bufsz);
		if (n < 0) { /* ended (ESRCH): this pid is another's now */
			close(keep[slot].fd[f]);
			keep[slot].fd[f] = 0;
		}
	}
	if (n < 0) {
		char path[TG_PATH_MAX];
		proc_path(path, sizeof(path), pid, kept_name[f]);
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		n = fd < 0 ? -errno : kept_read(fd, f, buf, bufsz);
		if (n < 0) {
			if (fd >= 0)
				close(fd);
			pthread_mutex_unlock(&keep_lock);
			return (int)n;
		}
		if (slot < 0) {
			slot = oldest;
			for (int j = 0; j < KEPT_FILES; j++)
				if (keep[slot].fd[j] > 0)
					close(keep[slot].fd[j]);
			memset(keep[slot].fd, 0, sizeof(keep[slot].fd));
			keep[slot].pid = pid;
		}
		keep[slot].fd[f] = fd;
	}
	keep[slot].used = ++keep_clock;
	pthread_mutex_unlock(&keep_lock);
	buf[n] = '\0';
	if (ret_len)
		*ret_len = (size_t)n;
	return 0;
}

static int read_proc(pid_t pid, const char *name, char *buf, size_t bufsz,
		     size_t *ret_len)
{
	for (int f = 0; f < KEPT_FILES && !strcmp(proc_root, "/proc"); f++)
		if (!strcmp(name, kept_name[f]))
			return read_kept(pid, f, buf, bufsz, ret_len);
	char path[TG_PATH_MAX];
	proc_path(path, sizeof(path), pid, name);
	return read_file(path, buf, bufsz, ret_len);
}

static int open_proc(pid_t pid, const char *name)
{
	char path[TG_PATH_MAX];
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
	char path[TG_PATH_MAX];
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
				st->ruid = (uid_t)n[0];
				st->euid = (uid_t)n[1];
				st->suid = (uid_t)n[2];
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
				st->rgid = (gid_t)n[0];
				st->egid = (gid_t)n[1];
				st->sgid = (gid_t)n[2];
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
		case 'C':
			if ((v = status_field(line, "CapEff")) &&
			    status_nums(v, 16, n, 1) == 1)
				st->cap_eff = (uint64_t)n[0];
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

int procfs_pidfd_open(pid_t pid)
{
	/* the notification's pid is a thread id; PIDFD_THREAD (6.9) takes
	 * one, older kernels only take a thread group leader */
	int fd = (int)syscall(SYS_pidfd_open, pid, TG_PIDFD_THREAD);
	if (fd < 0 && errno == EINVAL)
		fd = (int)syscall(SYS_pidfd_open, pid, 0);
	return fd < 0 ? -errno : fd;
}

bool procfs_pidfd_alive(int pidfd)
{
	return pidfd < 0 ||
	       syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0 ||
	       errno == EPERM;
}

bool procfs_seccomp_filtered(pid_t pid)
{
	struct proc_status st;
	return procfs_status(pid, &st) == 0 &&
	       st.seccomp == TG_SECCOMP_MODE_FILTER;
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

int procfs_environ(pid_t pid, char *buf, size_t bufsz, size_t *ret_len)
{
	return read_proc(pid, "environ", buf, bufsz, ret_len);
}

int procfs_cgroup2_mount(char *out, size_t outsz)
{
	char path[TG_PATH_MAX];
	snprintf(path, sizeof(path), "%s/mounts", proc_root);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
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

/* policyd's own /proc/PID/fd directory and pid, kept open: every decision
 * on a path asks the kernel for the name of a descriptor, and walking
 * "/proc/self/fd/N" from / each time was a fifth of policyd's time under
 * load. Reset in a forked child (the directory is the parent's). Always
 * the real /proc: these are policyd's own. */
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

pid_t procfs_self_pid(void)
{
	pthread_once(&self_once, self_register);
	pid_t p = __atomic_load_n(&self_pid, __ATOMIC_RELAXED);
	if (!p) {
		p = getpid();
		__atomic_store_n(&self_pid, p, __ATOMIC_RELAXED);
	}
	return p;
}

int procfs_self_fd_name(int fd, char *out, size_t outsz)
{
	char name[16];
	snprintf(name, sizeof(name), "%d", fd);
	int dir = __atomic_load_n(&self_fd_dir, __ATOMIC_ACQUIRE);
	if (dir < 0) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/%d/fd", (int)procfs_self_pid());
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
