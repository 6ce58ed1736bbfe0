/* SPDX-License-Identifier: MIT */
#include "proctree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* deeper process trees than this are taken for a walk gone wrong */
#define MAX_DEPTH 4096
/* processes read in one scan of /proc (a machine with more is refused a
 * complete answer: the scan says so and the session is scanned again) */
#define MAX_PROCS (1u << 20)

int proctree_keep_add(struct proctree_keep *k, pid_t pid)
{
	if (k->n >= PROCTREE_KEEP_MAX)
		return -ENOSPC;
	k->pid[k->n++] = pid;
	return 0;
}

void proctree_keep_forget(struct proctree_keep *k, pid_t pid)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->pid[i] == pid) {
			k->pid[i] = k->pid[--k->n];
			return;
		}
}

void proctree_keep_reap(struct proctree_keep *k)
{
	for (size_t i = 0; i < k->n;) {
		int st;
		if (waitpid(k->pid[i], &st, WNOHANG) == k->pid[i])
			k->pid[i] = k->pid[--k->n];
		else
			i++;
	}
}

static bool kept(const struct proctree_keep *k, pid_t pid)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->pid[i] == pid)
			return true;
	return false;
}

/* stat's fields after the command name, which may hold anything but ends
 * at the last ')': state ppid ... starttime (field 22) */
static int stat_read(pid_t pid, char *ret_state, pid_t *ret_ppid,
		     unsigned long long *ret_start)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -EIO;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n == 0 || errno == ESRCH ? -ESRCH : -EIO;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	char state;
	int ppid;
	unsigned long long start;
	/* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
	 * cmajflt utime stime cutime cstime priority nice num_threads
	 * itrealvalue starttime */
	if (sscanf(p + 1,
		   " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d "
		   "%*d %*d %*d %*d %*d %llu",
		   &state, &ppid, &start) != 3)
		return -EIO;
	*ret_state = state;
	*ret_ppid = ppid;
	*ret_start = start;
	return 0;
}

int proctree_stat(pid_t pid, pid_t *ret_ppid, unsigned long long *ret_start)
{
	char state;
	return stat_read(pid, &state, ret_ppid, ret_start);
}

/* One walk from pid up: 1 below us and not kept, 0 not, -EAGAIN when a
 * pid on the way was reused or vanished during the walk. */
static int walk_up(pid_t pid, pid_t self, const struct proctree_keep *k)
{
	pid_t cur = pid, ppid;
	unsigned long long start, pstart;
	int r = proctree_stat(cur, &ppid, &start);
	if (r < 0)
		return r;
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		if (ppid == self)
			return kept(k, cur) ? 0 : 1;
		if (ppid <= 1)
			return 0;
		pid_t next;
		r = proctree_stat(ppid, &next, &pstart);
		if (r < 0 || pstart > start)
			return -EAGAIN; /* the parent went, its pid reused */
		cur = ppid;
		ppid = next;
		start = pstart;
	}
	return -EAGAIN;
}

int proctree_in_session(pid_t pid, const struct proctree_keep *k)
{
	pid_t self = getpid();
	if (pid == self)
		return 0;
	for (int tries = 0; tries < 16; tries++) {
		int r = walk_up(pid, self, k);
		if (r != -EAGAIN)
			return r == -EIO ? 1 : r;
	}
	return 1;
}

/* ------------------------------------------------- ending the session */

struct pent {
	pid_t pid, ppid;
	unsigned long long start;
	char state;
	signed char mark; /* 1 the session's, -1 not, 0 not known yet */
};

static int pent_cmp(const void *a, const void *b)
{
	const struct pent *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Every process of the machine, sorted by pid; the count, or -errno. */
static long scan_all(struct pent **ret)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	size_t n = 0, cap = 0;
	struct pent *v = NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			struct pent *nv =
			    nc <= MAX_PROCS ? realloc(v, nc * sizeof(*v)) : NULL;
			if (!nv) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
			cap = nc;
		}
		struct pent *e = &v[n];
		if (stat_read((pid_t)pid, &e->state, &e->ppid, &e->start) < 0)
			continue;
		e->pid = (pid_t)pid;
		e->mark = 0;
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), pent_cmp);
	*ret = v;
	return (long)n;
}

static struct pent *find(struct pent *v, size_t n, pid_t pid)
{
	struct pent key = {.pid = pid};
	return bsearch(&key, v, n, sizeof(*v), pent_cmp);
}

/* Marks e and its ancestors up to the first known one. A parent younger
 * than its child (a reused pid: the scan is not one instant) or a walk too
 * deep leaves the chain unknown for this round, which is not the session's:
 * the next scan sees the tree as it has become. */
static void mark(struct pent *v, size_t n, struct pent *e, pid_t self,
		 const struct proctree_keep *k)
{
	struct pent *chain[64];
	size_t depth = 0;
	signed char m = -1;
	for (struct pent *c = e; c;) {
		if (c->mark) {
			m = c->mark;
			break;
		}
		if (depth == sizeof(chain) / sizeof(chain[0])) {
			/* deeper than the chain: the rest is walked without
			 * being remembered */
			m = walk_up(c->pid, self, k) == 1 ? 1 : -1;
			break;
		}
		chain[depth++] = c;
		if (c->ppid == self) {
			m = kept(k, c->pid) ? -1 : 1;
			break;
		}
		struct pent *p = c->ppid > 1 ? find(v, n, c->ppid) : NULL;
		c = p && p->start <= c->start ? p : NULL;
	}
	for (size_t i = 0; i < depth; i++)
		chain[i]->mark = m;
}

/* SIGKILL to e through a pidfd, if e->pid still is the process scanned
 * (the start time read after the pidfd was opened is the one scanned);
 * kill(2) after the same check where the kernel has no pidfds. */
static bool kill_one(const struct pent *e)
{
	int pfd = (int)syscall(SYS_pidfd_open, e->pid, 0);
	if (pfd < 0 && errno != ENOSYS)
		return false;
	pid_t ppid;
	unsigned long long start;
	bool same = proctree_stat(e->pid, &ppid, &start) == 0 &&
		    start == e->start;
	bool sent = false;
	if (same && pfd >= 0)
		sent = syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) ==
		       0;
	else if (same)
		sent = kill(e->pid, SIGKILL) == 0;
	if (pfd >= 0)
		close(pfd);
	return sent;
}

/* One round: kills the session's living processes; the number found, or
 * -errno when /proc could not be read. */
static long kill_round(struct proctree_keep *k)
{
	struct pent *v = NULL;
	long n = scan_all(&v);
	if (n < 0)
		return n;
	pid_t self = getpid();
	long found = 0;
	for (long i = 0; i < n; i++) {
		mark(v, (size_t)n, &v[i], self, k);
		if (v[i].mark != 1 || v[i].state == 'Z' || v[i].state == 'X')
			continue;
		found++;
		(void)kill_one(&v[i]);
	}
	free(v);
	return found;
}

static void reap(struct proctree_keep *k)
{
	pid_t p;
	int st;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		proctree_keep_forget(k, p);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int proctree_end_session(struct proctree_keep *k, long timeout_ms,
			 unsigned *ret_found)
{
	long left, quiet = 0, t0 = now_ms(), first = -1;
	for (;;) {
		reap(k);
		left = kill_round(k);
		if (left < 0)
			break;
		if (first < 0)
			first = left;
		/* none twice in a row: a process whose parent died during
		 * one scan is seen by the next */
		quiet = left == 0 ? quiet + 1 : 0;
		if (quiet == 2 || now_ms() - t0 >= timeout_ms)
			break;
		struct timespec ts = {0, 2 * 1000000};
		nanosleep(&ts, NULL);
	}
	reap(k);
	*ret_found = first > 0 ? (unsigned)first : 0;
	return (int)left;
}
