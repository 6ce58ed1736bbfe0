/* SPDX-License-Identifier: MIT */
/*
 * sv_proc: the calls by which one process changes or inspects another
 * without a signal: its resource limits (prlimit64: RLIMIT_FSIZE of 1 and
 * policyd dies of SIGXFSZ at its next audit line), its scheduling, nice
 * value, I/O priority and CPUs (SCHED_IDLE starves it), its memory (NUMA
 * moves, process_madvise), its kernel objects (kcmp), and a pidfd's
 * process (pidfd_send_signal, process_mrelease). A session may aim them at
 * itself and at its own processes only: never at policyd, agent-shell
 * (which holds the session's listener) or anything else on the machine.
 *
 * The target is taken from the kernel at decision time, not from what the
 * caller says about it: a pid is held with a pidfd while its session is
 * looked up, and that pidfd must still be alive afterwards (the pid named
 * one process throughout); a pidfd argument is decided on policyd's own
 * copy of the caller's descriptor (pidfd_getfd), which names one process
 * for good. After "continue" the kernel looks the pid up again: a target
 * that dies and whose pid is reused in that window by a new process is the
 * residual race (docs/threat-model.md).
 */
#include "sv_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procfs.h"
#include "session.h"
#include "util.h"

/* ioprio_set's "which" (linux/ioprio.h) */
#define SVP_IOPRIO_WHO_PROCESS 1
#define SVP_IOPRIO_WHO_USER 3

enum target {
	TGT_OURS,    /* the caller, or a process of its session */
	TGT_OUTSIDE, /* anything else: refused */
	TGT_GONE,    /* no such process (or it went away while looked at) */
	TGT_BADF,    /* the descriptor is not a pidfd (or none) */
};

/* Has the process behind pidfd fd exited? (A pidfd polls readable then.)
 * A descriptor that cannot be polled counts as gone: fail closed. */
static bool pidfd_exited(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r = poll(&p, 1, 0);
	return r != 0 || (p.revents & (POLLNVAL | POLLERR));
}

/* Is thread or process pid (in the caller's pid namespace, which is
 * policyd's: a session cannot make another) the caller's own process or
 * one of its session's? agent-shell is the session's root but outside its
 * sandbox: not one. who gets "pid N (comm)" for the refusal line. */
static enum target target_of(const struct call *k, pid_t pid, char *who,
			     size_t whosz)
{
	snprintf(who, whosz, "pid %d", (int)pid);
	if (pid == 0 || pid == k->c.pid)
		return TGT_OURS;
	_cleanup_close_ int pfd = procfs_pidfd_open(pid);
	if (pfd < 0)
		return TGT_GONE;
	struct proc_status ts, cs;
	struct proc_stat st;
	if (procfs_status(pid, &ts) < 0 ||
	    procfs_status(k->c.pid, &cs) < 0 ||
	    procfs_stat(ts.tgid, &st) < 0)
		return TGT_GONE;
	snprintf(who, whosz, "pid %d (%s)", (int)pid, st.comm);
	enum target t = TGT_OUTSIDE;
	if (ts.tgid == cs.tgid) {
		t = TGT_OURS; /* another thread of the caller */
	} else {
		struct session *s = session_of_pid(ts.tgid);
		if (s && s == k->c.s && ts.tgid != s->root_pid)
			t = TGT_OURS;
	}
	/* the pidfd still names a live process: pid was that process
	 * throughout the look (a pid is not reused while its process runs) */
	return pidfd_exited(pfd) ? TGT_GONE : t;
}

/* The process behind policyd's copy cp of a pidfd (or, for
 * pidfd_send_signal, of a /proc/PID directory); -EBADF: neither. */
static pid_t pidfd_target(int cp, bool proc_dir_ok)
{
	char p[64], line[128];
	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", cp);
	_cleanup_fclose_ FILE *f = fopen(p, "re");
	int pid = 0;
	bool is_pidfd = false;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Pid:\t%d", &pid) == 1) {
			is_pidfd = true;
			break;
		}
	char to[64] = "";
	snprintf(p, sizeof(p), "/proc/self/fd/%d", cp);
	ssize_t n = readlink(p, to, sizeof(to) - 1);
	to[n > 0 ? n : 0] = '\0';
	if (is_pidfd && strstr(to, "pidfd"))
		return pid > 0 ? pid : 0; /* -1: exited; 0: another namespace */
	if (proc_dir_ok && sscanf(to, "/proc/%d", &pid) == 1 && pid > 0) {
		struct stat sb;
		char tail[64];
		snprintf(tail, sizeof(tail), "/proc/%d", pid);
		/* the directory itself, alive (a dead process's is empty) */
		if (!strcmp(to, tail) && fstatat(cp, "stat", &sb, 0) == 0)
			return pid;
		return 0;
	}
	return -EBADF;
}

/* The target of a call on a pidfd (argument k->sc->fd): decided on
 * policyd's own copy of the caller's descriptor, which names one process
 * for good (another thread re-pointing the number afterwards: see the
 * threat model). */
static enum target pidfd_target_of(struct call *k, char *who, size_t whosz)
{
	int fd = (int)k->n->data.args[k->sc->fd];
	snprintf(who, whosz, "descriptor %d", fd);
	_cleanup_close_ int cp = caller_fd(k->c.pid, fd);
	if (cp < 0) /* not a descriptor; or not one policyd may copy */
		return cp == -EBADF ? TGT_BADF : TGT_OUTSIDE;
	pid_t pid =
	    pidfd_target(cp, (int)k->n->data.nr == SYS_pidfd_send_signal);
	if (pid <= 0)
		return pid < 0 ? TGT_BADF : TGT_GONE;
	enum target t = target_of(k, pid, who, whosz);
	/* the copy's process outlived the look: it is the one looked at */
	struct stat sb;
	bool alive;
	if (fstat(cp, &sb) == 0 && S_ISDIR(sb.st_mode))
		alive = fstatat(cp, "stat", &sb, 0) == 0;
	else
		alive = !pidfd_exited(cp);
	return alive ? t : TGT_GONE;
}

/* setpriority's and ioprio_set's (which, who): a process is decided as a
 * pid; a process group or a user reaches processes policyd cannot bound
 * (the user's are policyd's own in user mode): outside. -1: a "which"
 * the kernel refuses by itself (EINVAL). */
static int who_target(struct call *k, char *who, size_t whosz)
{
	int which = (int)k->n->data.args[k->sc->farg];
	pid_t id = (pid_t)k->n->data.args[k->sc->farg + 1];
	bool io = (int)k->n->data.nr == SYS_ioprio_set;
	int proc = io ? SVP_IOPRIO_WHO_PROCESS : PRIO_PROCESS;
	int last = io ? SVP_IOPRIO_WHO_USER : PRIO_USER;
	if (which < proc || which > last)
		return -1;
	if (which == proc)
		return id < 0 ? -1 : (int)target_of(k, id, who, whosz);
	snprintf(who, whosz, "%s %d", which == last ? "user" : "process group",
		 (int)id);
	return TGT_OUTSIDE;
}

/* A pid argument (farg, or both of kcmp's): the stricter of the targets.
 * -1: a negative pid, which the kernel refuses by itself. */
static int pid_target(struct call *k, char *who, size_t whosz)
{
	const __u64 *a = k->n->data.args;
	int nr = (int)k->n->data.nr;
	if (nr == SYS_prlimit64 && a[2] == 0)
		return TGT_OURS; /* reads the limits: changes nothing */
	if (nr == SYS_kcmp) {
		if ((pid_t)a[0] <= 0 || (pid_t)a[1] <= 0)
			return -1;
		enum target t = target_of(k, (pid_t)a[0], who, whosz);
		return t != TGT_OURS ? (int)t
				     : (int)target_of(k, (pid_t)a[1], who, whosz);
	}
	pid_t pid = (pid_t)a[k->sc->farg];
	return pid < 0 ? -1 : (int)target_of(k, pid, who, whosz);
}

int sv_proc(struct call *k)
{
	char who[96];
	int t;
	if (k->sc->fd >= 0)
		t = (int)pidfd_target_of(k, who, sizeof(who));
	else if (k->sc->filter == TG_SCF_PRIO_WHO ||
		 k->sc->filter == TG_SCF_IOPRIO_WHO)
		t = who_target(k, who, sizeof(who));
	else
		t = pid_target(k, who, sizeof(who));
	if (!sv_call_valid(k))
		return 0; /* the caller is gone: its pid may be another's */
	if (t == -1 || t == TGT_OURS) {
		sv_call_continue(k);
	} else if (t == TGT_GONE || t == TGT_BADF) {
		/* answered here, not left to the kernel: by the time it
		 * looked, the number could name another process */
		sv_call_answer(k, t == TGT_BADF ? -EBADF : -ESRCH);
	} else {
		sv_call_refuse(k, k->sc->name, "other-process", who,
			       "outside this session: a session may change "
			       "only its own processes",
			       -EPERM);
	}
	return 0;
}
