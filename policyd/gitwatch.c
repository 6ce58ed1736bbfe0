/* SPDX-License-Identifier: MIT */
#include "gitwatch.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine/gitwit.h"
#include "procfs.h"

static struct {
	pid_t pid;
	uint64_t start;
	dev_t dev; /* the git program */
	ino_t ino;
	int pidfd; /* the process's, to see it end; -1: none (old kernel) */
	const struct session *s; /* whose push */
	struct git_witness *w;
} tab[GITWATCH_MAX];
static size_t ntab;

static void drop(size_t i)
{
	git_witness_free(tab[i].w);
	if (tab[i].pidfd >= 0)
		close(tab[i].pidfd);
	tab[i] = tab[--ntab];
}

/* the process (pid, start) is still there */
static bool alive(pid_t pid, uint64_t start)
{
	struct proc_stat st;
	return procfs_stat(pid, &st) == 0 && st.starttime == start;
}

/* entry i's push has ended: its pidfd readable (one system call: every
 * exec pays it while pushes are watched), or by its start time */
static bool ended(size_t i)
{
	if (tab[i].pidfd < 0)
		return !alive(tab[i].pid, tab[i].start);
	struct pollfd p = {.fd = tab[i].pidfd, .events = POLLIN};
	return poll(&p, 1, 0) != 0;
}

static void prune(void)
{
	for (size_t i = ntab; i-- > 0;)
		if (ended(i))
			drop(i);
}

size_t gitwatch_count(void)
{
	return ntab;
}

int gitwatch_add(const struct caller *c, const struct stat *exe,
		 struct git_witness *w)
{
	/* an exec from another thread gives the thread group's pid and
	 * start time to the new program (the kernel's de_thread) */
	struct proc_status ps;
	struct proc_stat st;
	if (procfs_status(c->pid, &ps) < 0 || procfs_stat(ps.tgid, &st) < 0) {
		git_witness_free(w);
		return -ESRCH;
	}
	prune();
	for (size_t i = ntab; i-- > 0;)
		if (tab[i].pid == ps.tgid)
			drop(i);
	size_t mine = 0;
	for (size_t i = 0; i < ntab; i++)
		mine += tab[i].s == c->s;
	if (ntab == GITWATCH_MAX || mine >= GITWATCH_SESSION) {
		git_witness_free(w);
		return -EBUSY;
	}
	tab[ntab].s = c->s;
	tab[ntab].pid = ps.tgid;
	tab[ntab].start = st.starttime;
	tab[ntab].dev = exe->st_dev;
	tab[ntab].ino = exe->st_ino;
	/* the thread group's (no PIDFD_THREAD): readable when it ends */
	tab[ntab].pidfd = (int)syscall(SYS_pidfd_open, ps.tgid, 0);
	if (tab[ntab].pidfd >= 0 && !alive(ps.tgid, st.starttime)) {
		close(tab[ntab].pidfd); /* the pid names another by now */
		git_witness_free(w);
		return -ESRCH;
	}
	tab[ntab++].w = w;
	return 0;
}

int gitwatch_check(struct caller *c, char *why, size_t whysz)
{
	prune();
	if (!ntab)
		return 0;
	struct proc_stat me;
	if (procfs_stat(c->pid, &me) < 0)
		return 0; /* gone: its exec goes nowhere */
	size_t i = 0;
	while (i < ntab && tab[i].pid != me.ppid)
		i++;
	if (i == ntab)
		return 0;
	char exe[64];
	struct stat est;
	procfs_path(me.ppid, "exe", exe, sizeof(exe));
	if (!alive(tab[i].pid, tab[i].start) || stat(exe, &est) < 0 ||
	    est.st_dev != tab[i].dev || est.st_ino != tab[i].ino) {
		/* not that push (any more): its exec failed or was refused,
		 * or the pid names another process */
		drop(i);
		return 0;
	}
	/* in the caller's view, as the decision read them: its root, its
	 * file-system credentials (a directory it may not search is an
	 * error for both) */
	char root[TG_PATH_MAX];
	procfs_path(c->pid, "root", root, sizeof(root));
	bool switched = false;
	int r = caller_creds(c, false);
	if (r == 0 && (r = caller_creds_enter(c, &switched)) == 0) {
		r = git_witness_check(tab[i].w, caller_same_root(c) ? "" : root,
				      why, whysz);
		if (switched)
			caller_creds_leave();
	}
	if (r < 0)
		snprintf(why, whysz, "its files cannot be looked at (%s)",
			 strerror(-r));
	return r != 0;
}
