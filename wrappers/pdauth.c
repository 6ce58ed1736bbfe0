/* SPDX-License-Identifier: MIT */
#include "pdauth.h"

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77 /* Linux 6.5 */
#endif

/* programs larger than this are not compared byte by byte */
#define MAX_COMPARE (256L << 20)

/* "Seccomp_filters: N" of /proc/PID/status (Linux 5.9), or -1. */
static int seccomp_filters(const char *pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int n = -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp_filters: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* out: PATH_MAX bytes */
static void find_on_path(const char *name, char *out)
{
	out[0] = '\0';
	const char *path = getenv("PATH");
	char *dup = strdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;
	for (char *d = dup ? strtok_r(dup, ":", &save) : NULL; d;
	     d = strtok_r(NULL, ":", &save)) {
		char cand[PATH_MAX + 64];
		snprintf(cand, sizeof(cand), "%.*s/%s", PATH_MAX, d, name);
		if (d[0] == '/' && access(cand, X_OK) == 0 &&
		    realpath(cand, out))
			break;
		out[0] = '\0';
	}
	free(dup);
}

static void add_bin(struct pdauth *a, const char *path)
{
	char real[PATH_MAX];
	if (!path[0] || a->nbin == PDAUTH_BINS || !realpath(path, real))
		return;
	for (size_t i = 0; i < a->nbin; i++)
		if (!strcmp(a->bin[i].path, real))
			return;
	snprintf(a->bin[a->nbin].path, sizeof(a->bin[a->nbin].path), "%s",
		 real);
	a->bin[a->nbin].fd = open(real, O_RDONLY | O_CLOEXEC);
	a->nbin++;
}

void pdauth_init(struct pdauth *a, const char *self_dir, bool user,
		 const char *rundir, const struct proctree_keep *keep)
{
	memset(a, 0, sizeof(*a));
	a->uid = geteuid();
	a->user = user;
	a->rundir = rundir;
	a->keep = keep;
	a->filters = seccomp_filters("self");
	char p[PATH_MAX + 16];
	snprintf(p, sizeof(p), "%s/policyd", self_dir);
	if (access(p, X_OK) == 0)
		add_bin(a, p);
	find_on_path("policyd", p);
	add_bin(a, p);
}

static bool same_bytes(int x, int y, off_t size)
{
	static char bx[65536], by[65536];
	for (off_t o = 0; o < size;) {
		ssize_t n = pread(x, bx, sizeof(bx), o);
		if (n <= 0 || pread(y, by, (size_t)n, o) != n ||
		    memcmp(bx, by, (size_t)n))
			return false;
		o += n;
	}
	return true;
}

/* Is the open program efd one of the policyd binaries: the file opened
 * at init or the one at its path now, by device and inode, else by
 * content? */
static bool is_policyd(const struct pdauth *a, int efd)
{
	struct stat e, b;
	if (fstat(efd, &e) < 0 || !S_ISREG(e.st_mode))
		return false;
	for (size_t i = 0; i < a->nbin; i++) {
		int fds[2] = {a->bin[i].fd, -1};
		fds[1] = open(a->bin[i].path, O_RDONLY | O_CLOEXEC);
		bool match = false;
		for (int k = 0; k < 2 && !match; k++) {
			if (fds[k] < 0 || fstat(fds[k], &b) < 0)
				continue;
			match = (b.st_dev == e.st_dev && b.st_ino == e.st_ino) ||
				(b.st_size == e.st_size &&
				 e.st_size <= MAX_COMPARE &&
				 same_bytes(efd, fds[k], e.st_size));
		}
		if (fds[1] >= 0)
			close(fds[1]);
		if (match)
			return true;
	}
	return false;
}

/* A run directory only root can have put a socket in. */
static bool root_only_dir(const char *dir)
{
	struct stat st;
	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	       st.st_uid == 0 && !(st.st_mode & 022);
}

/* The program check; 0 or -EPERM with why. */
static int check_program(const struct pdauth *a, const struct ucred *cr,
			 struct pdauth_peer *peer)
{
	char path[64], exe[PATH_MAX] = "?";
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)cr->pid);
	ssize_t n = readlink(path, exe, sizeof(exe) - 1);
	if (n > 0)
		exe[n] = '\0';
	int efd = open(path, O_RDONLY | O_CLOEXEC);
	if (efd < 0) {
		/* a user's agent-shell may not look at a root policyd's
		 * program (ptrace access); its directory speaks for it */
		if ((errno == EACCES || errno == EPERM) && cr->uid == 0 &&
		    a->uid != 0 && a->rundir && root_only_dir(a->rundir))
			return 0;
		snprintf(peer->why, sizeof(peer->why),
			 "pid %d: its program cannot be checked (%s)",
			 (int)cr->pid, strerror(errno));
		return -EPERM;
	}
	bool ok = is_policyd(a, efd);
	close(efd);
	if (ok)
		return 0;
	snprintf(peer->why, sizeof(peer->why),
		 "pid %d runs %.200s, which is not tiergate's policyd (%.200s)",
		 (int)cr->pid, exe, a->nbin ? a->bin[0].path : "none found");
	return -EPERM;
}

/* Everything but the pid's liveness; 0 or -EPERM with why. */
static int judge(const struct pdauth *a, const struct ucred *cr,
		 struct pdauth_peer *peer)
{
	if (cr->uid != 0 && !(a->user && cr->uid == a->uid)) {
		snprintf(peer->why, sizeof(peer->why),
			 "pid %d runs as uid %u; policyd runs as root%s",
			 (int)cr->pid, (unsigned)cr->uid,
			 a->user ? " or as you" : "");
		return -EPERM;
	}
	int m = proctree_in_session(cr->pid, a->keep);
	if (m != 0) {
		snprintf(peer->why, sizeof(peer->why),
			 m == 1 ? "pid %d is a process of this session"
				: "pid %d is gone",
			 (int)cr->pid);
		return -EPERM;
	}
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)cr->pid);
	int f = seccomp_filters(pid);
	if (a->filters >= 0 && f > a->filters) {
		snprintf(peer->why, sizeof(peer->why),
			 "pid %d runs under %d seccomp filters (agent-shell "
			 "under %d): it is a process of a tiergate session",
			 (int)cr->pid, f, a->filters);
		return -EPERM;
	}
	return check_program(a, cr, peer);
}

/* A pidfd for the process that listens on fd's peer: the kernel's own
 * (SO_PEERPIDFD); where the kernel has none, one opened from its pid (a
 * pid reused since the socket was made is then not told apart). -1 with
 * errno: ESRCH when the process is gone. */
static int peer_pidfd(int fd, pid_t pid)
{
	int pfd = -1;
	socklen_t l = sizeof(pfd);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pfd, &l) == 0 &&
	    pfd >= 0) {
		fcntl(pfd, F_SETFD, FD_CLOEXEC);
		return pfd;
	}
	if (errno != ENOPROTOOPT) {
		errno = ESRCH;
		return -1;
	}
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Has the process of pidfd exited (a zombie included: its /proc/PID/exe
 * reads ENOENT, and signal 0 still reaches it)? A pidfd polls readable
 * once its process has exited; wait_ms: how long to wait for that. */
static bool peer_exited(int pfd, int wait_ms)
{
	struct pollfd p = {.fd = pfd, .events = POLLIN};
	if (poll(&p, 1, wait_ms) > 0)
		return true;
	return syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0) < 0 &&
	       errno == ESRCH;
}

int pdauth_check(const struct pdauth *a, int fd, struct pdauth_peer *peer)
{
	peer->pid = 0;
	peer->why[0] = '\0';
	struct ucred cr;
	socklen_t l = sizeof(cr);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) < 0 ||
	    cr.pid <= 0) {
		snprintf(peer->why, sizeof(peer->why),
			 "the process that listens is unknown");
		return -EPERM;
	}
	peer->pid = cr.pid;
	int pfd = peer_pidfd(fd, cr.pid);
	bool gone = pfd < 0 && errno == ESRCH;
	int r = gone ? -EPERM : judge(a, &cr, peer);
	/* still there after the checks: what they read of /proc/PID was
	 * this process's (a pid is not reused while its process lives). One
	 * that died meanwhile (its /proc/PID/exe then reads ENOENT) is no
	 * policyd at all, not a refused one: -ESRCH */
	/* a process on its way out has no program any more (after its
	 * memory is gone) a moment before its pidfd says it exited: a
	 * refusal is looked at again for that moment */
	if (pfd >= 0 && peer_exited(pfd, r == 0 ? 0 : 200))
		gone = true;
	if (gone) {
		snprintf(peer->why, sizeof(peer->why),
			 "pid %d is gone (the socket outlived the process "
			 "that made it)",
			 (int)cr.pid);
		r = -ESRCH;
	}
	if (pfd >= 0)
		close(pfd);
	return r;
}
