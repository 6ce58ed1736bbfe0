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
 *
 * A new RLIMIT_CORE (setrlimit, prlimit64 with a new limit, on the caller
 * or on a process of its session) is notified too: agent-shell starts the
 * session with core dumps off ({0, 0}), since the kernel writes a core
 * file where the crashing process stands, decided by nobody. Raising the
 * hard limit is refused (rule core-dumps); anything else is carried out
 * here, on policyd's own copy of the new limit (a "continue" would let the
 * kernel read the caller's memory again, which another thread can have
 * rewritten since).
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

#include "missing.h"
#include "procfs.h"
#include "session.h"
#include "sv_mem.h"
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

/* Does k set a new RLIMIT_CORE? The resource is an unsigned int to the
 * kernel: its low 32 bits, as the filter compares them. */
static bool sets_core(const struct call *k)
{
	const __u64 *a = k->n->data.args;
	int nr = (int)k->n->data.nr;
	if (nr == SYS_setrlimit)
		return (unsigned)a[0] == RLIMIT_CORE;
	return nr == SYS_prlimit64 && (unsigned)a[1] == RLIMIT_CORE && a[2];
}

/* May the caller change the limits of pid, another of its session's
 * processes? The kernel's check_prlimit_permission, which a call carried
 * out by policyd would otherwise skip: the caller's real uid and gid are
 * the target's real, effective and saved ones, or it has
 * CAP_SYS_RESOURCE. (The caller's own threads pass: as the kernel's.) */
static bool may_prlimit(const struct call *k, pid_t pid)
{
	struct proc_status c, t;
	if (procfs_status(k->c.pid, &c) < 0 || procfs_status(pid, &t) < 0)
		return false;
	if (c.tgid == t.tgid || (c.cap_eff & (1ULL << 24 /* SYS_RESOURCE */)))
		return true;
	return c.ruid == t.ruid && c.ruid == t.euid && c.ruid == t.suid &&
	       c.rgid == t.rgid && c.rgid == t.egid && c.rgid == t.sgid;
}

/* Carries out k's new RLIMIT_CORE on pid (the caller, or a process of its
 * session), as the kernel would have: the new limit read once from the
 * caller's memory, set with prlimit by policyd, the old one written back
 * where prlimit64 asked for it. Refused (EPERM, rule core-dumps) when it
 * would raise pid's hard limit: a root session keeps CAP_SYS_RESOURCE,
 * and a core file is a file the kernel writes undecided. Residual: a
 * hard limit lowered by pid between policyd's read and its prlimit is put
 * back up to the value read (policyd has CAP_SYS_RESOURCE as root); it
 * is agent-shell's 0 from the session's start, so never above that. */
static void core_limit(struct call *k, pid_t pid, const char *who)
{
	const __u64 *a = k->n->data.args;
	bool setr = (int)k->n->data.nr == SYS_setrlimit;
	uint64_t want_at = setr ? a[1] : a[2], old_at = setr ? 0 : a[3];
	struct rlimit want, cur, old;
	int r = sv_mem_read(k->c.pid, want_at, &want, sizeof(want));
	if (!sv_call_valid(k))
		return; /* the caller is gone: its pid may be another's */
	if (r < 0) {
		sv_call_answer(k, -EFAULT);
		return;
	}
	if (pid != k->c.pid && !may_prlimit(k, pid)) {
		sv_call_answer(k, -EPERM); /* the kernel's own refusal */
		return;
	}
	if (prlimit(pid, RLIMIT_CORE, NULL, &cur) < 0) {
		sv_call_answer(k, -ESRCH);
		return;
	}
	char target[160];
	snprintf(target, sizeof(target), "core file size of %s", who);
	static const char msg[] =
	    "core dumps are off in tiergate sessions (the kernel would write "
	    "a core file with no decision, wherever the process stands); "
	    "debug outside agent-shell, or let a core_pattern pipe such as "
	    "systemd-coredump collect crashes";
	if (want.rlim_cur > want.rlim_max) {
		/* EINVAL as the kernel says; explained when it is a soft
		 * limit above the hard one agent-shell set (ulimit -Sc) */
		if (want.rlim_cur > cur.rlim_max)
			sv_call_refuse(k, k->sc->name, "core-dumps", target,
				       msg, -EINVAL);
		else
			sv_call_answer(k, -EINVAL);
		return;
	}
	if (want.rlim_max > cur.rlim_max) {
		sv_call_refuse(k, k->sc->name, "core-dumps", target, msg,
			       -EPERM);
		return;
	}
	/* privileged operation: policyd sets another process's limit. Safe:
	 * pid is the caller or a process of its session that the caller may
	 * change (target_of, may_prlimit), the value is policyd's own copy,
	 * and it raises no hard limit (checked just above) */
	r = prlimit(pid, RLIMIT_CORE, &want, &old) < 0 ? -errno : 0;
	if (r == 0 && old_at)
		r = sv_mem_write(k->c.pid, old_at, &old, sizeof(old));
	sv_call_performed(k, r);
}

int sv_proc(struct call *k)
{
	char who[96];
	int t;
	if ((int)k->n->data.nr == SYS_setrlimit) {
		/* notified only for RLIMIT_CORE: the caller's own limit */
		snprintf(who, sizeof(who), "pid %d", (int)k->c.pid);
		if (sets_core(k))
			core_limit(k, k->c.pid, who);
		else if (sv_call_valid(k))
			sv_call_continue(k);
		return 0;
	}
	if (k->sc->fd >= 0)
		t = (int)pidfd_target_of(k, who, sizeof(who));
	else if (k->sc->filter == TG_SCF_PRIO_WHO ||
		 k->sc->filter == TG_SCF_IOPRIO_WHO)
		t = who_target(k, who, sizeof(who));
	else
		t = pid_target(k, who, sizeof(who));
	if (!sv_call_valid(k))
		return 0; /* the caller is gone: its pid may be another's */
	if (t == TGT_OURS && sets_core(k)) {
		pid_t pid = (pid_t)k->n->data.args[0];
		if (!pid) {
			pid = k->c.pid;
			snprintf(who, sizeof(who), "pid %d", (int)pid);
		}
		core_limit(k, pid, who);
	} else if (t == -1 || t == TGT_OURS) {
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
