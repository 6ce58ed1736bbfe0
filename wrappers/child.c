/* SPDX-License-Identifier: MIT */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child = -1;
/* the fanotify deny-read listener (fanlisten.h), or -1, and its pidfd (it
 * may be reaped by proctree_end_session: no pid is signalled after) */
static pid_t fan_pid = -1;
static int fan_pidfd = -1;
/* the child's pidfd: a signal forwarded after the child was reaped (while
 * the session's other processes are ended) reaches no other process that
 * got its pid */
static int child_pidfd = -1;

static void forward(int sig)
{
	if (child_pidfd >= 0)
		(void)syscall(SYS_pidfd_send_signal, child_pidfd, sig, NULL, 0);
	else if (child > 0)
		kill(child, sig);
}

/* SIGCHLD only has to interrupt ppoll in the backstop loop */
static void on_child(int sig)
{
	(void)sig;
}

static void fail(const char *what)
{
	fprintf(stderr, "agent-shell: %s: %s\n", what, strerror(errno));
	exit(126);
}

/* In the child: the kernel deny-read layer. What it cannot do is said,
 * never passed over; the session goes on with the interposer deciding
 * reads (as without the layer). */
static bool apply_masks(const struct mountmask_plan *m)
{
	struct mountmask_report rep;
	const char *what = "?";
	int r = mountmask_apply(m, &rep, &what);
	if (r < 0) {
		fprintf(stderr,
			"tiergate: warning: the files this policy denies "
			"reading are not masked in the kernel for this "
			"session (%s: %s); static programs and raw system "
			"calls can read them\n",
			what, strerror(-r));
		return false;
	}
	if (rep.skipped)
		fprintf(stderr,
			"tiergate: %u path%s the policy denies reading %s "
			"not masked in the kernel (%s)\n",
			rep.skipped, rep.skipped == 1 ? "" : "s",
			rep.skipped == 1 ? "is" : "are", rep.note);
	return rep.ns;
}

/* In the child, in its own mount namespace (never the host's: the host's
 * opens would wait on the session's listener): the fanotify marks. */
static void mark_mounts(struct fanlisten *fan)
{
	char what[PATH_MAX] = "?";
	int r = fanlisten_mark_mounts(fan, what, sizeof(what));
	if (r < 0)
		fprintf(stderr,
			"tiergate: warning: the kernel deny-read layer "
			"(fanotify) does not watch %s (%s): reads there of "
			"files created later or matched by deep globs are "
			"refused to dynamic programs only\n",
			what, strerror(-r));
}

/* The scratch directory held again in the session's own mount namespace
 * (the child's, made by apply_masks): descriptor 1021 came from
 * agent-shell's, where no mask hides a denied file and no fanotify mark
 * decides an open, and a name looked up from it ("../..") stays in that
 * namespace. Opened again by its name here, and used only when it is the
 * same directory; otherwise the session gets no route. */
static void scratch_in_namespace(struct sandbox_fs *fs)
{
	if (!fs || !fs->scratch)
		return;
	struct stat a, b;
	int fd = open(fs->scratch, O_PATH | O_DIRECTORY | O_NOFOLLOW |
				       O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &a) == 0 && fstat(TG_SCRATCH_FD, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
	    dup3(fd, TG_SCRATCH_FD, 0) == TG_SCRATCH_FD) {
		close(fd);
		return;
	}
	if (fd >= 0)
		close(fd);
	close(TG_SCRATCH_FD);
	fs->scratch = NULL; /* no route (scratch_fast stays false) */
	unsetenv(TG_SCRATCH_ENV);
	fprintf(stderr, "tiergate: warning: the session's scratch directory "
			"is not where it was made: its calls are decided by "
			"policyd, one round trip each\n");
}

/* In the child: the sandbox, the listener's number told on tell and the
 * go-ahead read from ack (backstop), then the command. Never returns. */
static void child_exec(const struct child_plan *p, int tell, int ack)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	/* why: a core file is written by the kernel, not by a call policyd
	 * decides: with core_pattern "core" a crash after chdir() would
	 * write one in any directory the session's user can write (a
	 * repository's hooks, /etc as root, tiergate's run directory),
	 * undecided and unaudited. A hard limit of 0 stops that; raising it
	 * again is notified (setrlimit, prlimit64) and refused by policyd
	 * (sv_proc), and root's CAP_SYS_RESOURCE does not get past that. A
	 * core_pattern pipe ("|systemd-coredump ...") still gets the crash:
	 * the kernel ignores RLIMIT_CORE for pipes (core(5); only the value
	 * 1, its recursion guard, stops one) */
	struct rlimit nocore = {0, 0};
	if (setrlimit(RLIMIT_CORE, &nocore) < 0) {
		fprintf(stderr, "agent-shell: cannot turn core dumps off: %s\n",
			strerror(errno));
		_exit(126);
	}
	if (p->sandbox && p->mask && apply_masks(p->mask) && p->fan)
		mark_mounts(p->fan);
	if (p->sandbox)
		scratch_in_namespace(p->fs);
	if (p->sandbox) {
		const char *what = "?";
		int lfd = -1;
		int r = sandbox_apply(p->fs, p->backstop ? &lfd : NULL, &what);
		if (r < 0) {
			/* fail closed: never run the agent unsandboxed after
			 * telling policyd it is */
			fprintf(stderr,
				"agent-shell: cannot install the seccomp "
				"filter (%s): %s\n",
				what, strerror(-r));
			_exit(126);
		}
		if (p->backstop) {
			char c;
			/* the listener's number, and whether the scratch
			 * directory's route was made (policyd then keeps the
			 * directory where it is) */
			int told[2] = {lfd, p->fs && p->fs->scratch_fast};
			if (write(tell, told, sizeof(told)) != sizeof(told) ||
			    read(ack, &c, 1) != 1 || c != 'y')
				_exit(126);
			close(lfd); /* the session never holds it */
		}
		if (p->fs && p->fs->scratch && !p->fs->scratch_fast) {
			/* no route: the interposer must not take it (its calls
			 * through the number would be decided by nobody, or
			 * twice) */
			unsetenv(TG_SCRATCH_ENV);
			close(TG_SCRATCH_FD);
			fprintf(stderr,
				"tiergate: warning: the session's scratch "
				"directory is private, but its calls are "
				"decided by policyd, one round trip each (%s)\n",
				!p->backstop ? "no seccomp user notification"
					     : "Landlock below ABI 2");
		}
	}
	execv(p->path, p->argv);
	int e = errno;
	if (!(p->backstop && e == EACCES)) /* policyd said why */
		fprintf(stderr, "agent-shell: %s: %s\n", p->argv[0],
			strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

/* The child's listener, copied with pidfd_getfd once the child told its
 * number on tell (a send from the child would itself be a notified call
 * nobody can answer yet); -1 on failure. */
static int take_listener(int tell, bool *ret_scratch)
{
	int told[2] = {-1, 0}, lfd = -1;
	int pfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (read(tell, told, sizeof(told)) == sizeof(told) && pfd >= 0)
		lfd = (int)syscall(SYS_pidfd_getfd, pfd, told[0], 0);
	*ret_scratch = told[1] != 0;
	if (pfd >= 0)
		close(pfd);
	if (lfd >= 0)
		fcntl(lfd, F_SETFD, FD_CLOEXEC);
	return lfd;
}

/* The in-flight table policyd writes each notification into (a sealed
 * memfd of fixed size), or -1. */
static int make_inflight(void)
{
	int fd = memfd_create("tiergate-inflight",
			      MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd >= 0 && (ftruncate(fd, TGP_INFLIGHT_BYTES) < 0 ||
			fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) <
			    0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Backstop: takes the listener, hands it to policyd, then lets the child
 * close its copy and exec. 0, or -1 with the child killed. */
static int hand_over(struct pdlink *l, int tell[2], int ack[2])
{
	close(tell[1]);
	close(ack[0]);
	bool scratch = false;
	l->listener = take_listener(tell[0], &scratch);
	l->scratch = scratch ? TG_SCRATCH_FD : -1;
	if (l->listener >= 0)
		l->inflight = make_inflight();
	int r = l->listener < 0 ? -EBADF : pdlink_send_listener(l, l->fd);
	if (r == -ECONNRESET) {
		/* policyd went away between the session's opening and the
		 * hand-over (a crash, a restart): the child has not run yet
		 * (it waits for ack); wait for policyd as a running session
		 * does, open the session again there and hand it over */
		close(l->fd);
		l->fd = -1;
		pdlink_reattach(l);
		r = l->fd >= 0 ? 0 : -ECONNRESET;
	}
	if (r < 0) {
		fprintf(stderr, "agent-shell: cannot hand the seccomp "
				"listener to policyd; stopping\n");
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return -1;
	}
	(void)!write(ack[1], "y", 1);
	close(ack[1]);
	close(tell[0]);
	return 0;
}

/* Waits for the child, reaping orphaned descendants re-parented to us;
 * with the backstop also watches policyd's end of the session, and finds a
 * policyd again when it closes. Returns the child's exit status. */
static int supervise(struct pdlink *l, bool backstop)
{
	int status = 0;
	/* backstop: SIGCHLD stays blocked except inside ppoll, so an exit
	 * between waitpid and ppoll still wakes it (no polling interval) */
	sigset_t chld, open_mask;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (backstop) {
		struct sigaction sa = {.sa_handler = on_child};
		sigemptyset(&sa.sa_mask);
		sigaction(SIGCHLD, &sa, NULL);
		sigprocmask(SIG_BLOCK, &chld, &open_mask);
		sigdelset(&open_mask, SIGCHLD);
	}
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, backstop ? WNOHANG : 0);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			break;
		if (p == child) {
			status = WIFEXITED(st) ? WEXITSTATUS(st)
					       : 128 + WTERMSIG(st);
			break;
		}
		if (p > 0 && p == fan_pid) {
			/* fail closed: readers waiting on it stay waiting
			 * (agent-shell holds the group) until the session's
			 * processes are killed */
			fprintf(stderr,
				"tiergate: the kernel deny-read listener "
				"(pid %d) ended; ending the session\n",
				(int)p);
			proctree_keep_forget(&l->keep, p);
			fan_pid = -1;
			close(fan_pidfd);
			fan_pidfd = -1;
			return -1;
		}
		if (p > 0) {
			/* an orphaned descendant re-parented to us, or a
			 * policyd we started */
			proctree_keep_forget(&l->keep, p);
			continue;
		}
		struct pollfd pf = {.fd = l->fd, .events = POLLIN};
		int pr = ppoll(&pf, 1, NULL, &open_mask);
		if (pr == 1) {
			char junk[256];
			ssize_t r =
			    recv(l->fd, junk, sizeof(junk), MSG_DONTWAIT);
			if (r == 0 || (r < 0 && errno != EAGAIN)) {
				close(l->fd);
				l->fd = -1;
				pdlink_reattach(l);
			}
		}
	}
	return status;
}

/* Kills what the command left in the session, while policyd still
 * supervises it (their waiting calls are answered or die with them). */
static void end_session(struct pdlink *l)
{
	unsigned found = 0;
	int left = proctree_end_session(&l->keep, 10000, &found);
	if (left > 0)
		fprintf(stderr,
			"agent-shell: %d process%s of the session did not "
			"end within 10 s of SIGKILL\n",
			left, left == 1 ? "" : "es");
	else if (left < 0)
		fprintf(stderr,
			"agent-shell: cannot end the session's processes: "
			"%s\n",
			strerror(-left));
	else if (found)
		fprintf(stderr,
			"tiergate: ended %u process%s the command left in the "
			"session (settings.background: kill)\n",
			found, found == 1 ? "" : "es");
}

/* Starts the deny-read listener (before anything else is forked: it must
 * hold none of the session's pipes). Kept: it is not one of the session's
 * processes, and ends after them (stop_listener). false when it cannot
 * run: then no session starts with marks nobody answers. */
static bool start_listener(struct pdlink *l, struct fanlisten *fan)
{
	fan_pid = fanlisten_start(fan, STDERR_FILENO, l->fd);
	if (fan_pid > 0)
		fan_pidfd = (int)syscall(SYS_pidfd_open, fan_pid, 0);
	if (fan_pid < 0 || fan_pidfd < 0 ||
	    proctree_keep_add(&l->keep, fan_pid) < 0) {
		fprintf(stderr, "agent-shell: cannot start the kernel "
				"deny-read listener; stopping\n");
		if (fan_pid > 0) {
			kill(fan_pid, SIGKILL); /* (not reaped yet) */
			waitpid(fan_pid, NULL, 0);
		}
		if (fan_pidfd >= 0)
			close(fan_pidfd);
		fan_pid = fan_pidfd = -1;
		return false;
	}
	return true;
}

/* After the session's processes: the listener, then our descriptor of the
 * group (only now may the kernel answer a pending event "allow"). */
static void stop_listener(struct pdlink *l, struct fanlisten *fan)
{
	if (fan_pidfd >= 0) {
		(void)syscall(SYS_pidfd_send_signal, fan_pidfd, SIGKILL, NULL,
			      0);
		siginfo_t si;
		(void)waitid(P_PIDFD, (id_t)fan_pidfd, &si, WEXITED);
		close(fan_pidfd);
		fan_pidfd = -1;
	}
	if (fan_pid > 0)
		proctree_keep_forget(&l->keep, fan_pid);
	fan_pid = -1;
	fanlisten_close(fan);
}

int child_run(struct pdlink *l, const struct child_plan *p)
{
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	if (p->fan && !start_listener(l, p->fan)) {
		fanlisten_close(p->fan);
		return 126;
	}
	/* the child installs the filter, then tells us its listener's number
	 * on tell[1]; we take the listener and say go on ack[1] */
	int tell[2] = {-1, -1}, ack[2] = {-1, -1};
	if (p->backstop &&
	    (pipe2(tell, O_CLOEXEC) < 0 || pipe2(ack, O_CLOEXEC) < 0))
		fail("cannot create pipes");
	child = fork();
	if (child < 0)
		fail("cannot fork");
	if (child == 0) {
		close(l->fd);
		child_exec(p, tell[1], ack[0]);
	}
	child_pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	l->cmd_pidfd = child_pidfd;
	if (p->backstop && hand_over(l, tell, ack) < 0) {
		stop_listener(l, p->fan);
		return 126;
	}
	int status = supervise(l, p->backstop);
	end_session(l);
	stop_listener(l, p->fan);
	close(l->fd);
	l->fd = -1;
	return status < 0 ? 126 : status;
}
