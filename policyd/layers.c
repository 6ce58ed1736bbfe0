/* SPDX-License-Identifier: MIT */
#include "layers.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "daemon.h"
#include "egress_glue.h"
#include "exec_verify.h"
#include "session.h"
#include "util.h"

static struct layer *add(struct layer_report *r, const char *name, bool active)
{
	_Static_assert(sizeof(r->v) / sizeof(r->v[0]) >= 13,
		       "room for every layer detect_all adds");
	struct layer *l = &r->v[r->n++];
	l->name = name;
	l->active = active;
	l->why[0] = '\0';
	return l;
}

/* The seccomp layers: the refusal filter and the kernel path. */
static void detect_seccomp(struct layer_report *r)
{
	unsigned with = 0, total = 0;
	for (struct session *s = D.sessions; s; s = s->next) {
		total++;
		with += s->seccomp;
	}
	struct layer *l =
	    add(r, "seccomp refusal filter", total == 0 || with == total);
	snprintf(l->why, sizeof(l->why),
		 "%u of %u sessions: no_new_privs, administration "
		 "capabilities dropped, non-native ABIs killed, "
		 "io_uring/ptrace/bpf/namespaces/mount/devices/... refused",
		 with, total);

	unsigned action = SECCOMP_RET_USER_NOTIF;
	long sr = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
	int serr = errno;
	unsigned sup = 0;
	uint64_t nnot = 0, ninj = 0;
	for (struct session *s = D.sessions; s; s = s->next) {
		sup += s->sv != NULL;
		nnot += s->n_notifications;
		ninj += s->n_injected;
	}
	l = add(r, "seccomp user-notify",
		sr == 0 && (total == 0 || sup == total));
	if (sr != 0)
		snprintf(l->why, sizeof(l->why), "kernel does not offer it: %s",
			 strerror(serr));
	else
		snprintf(l->why, sizeof(l->why),
			 "%u of %u sessions supervised: execs, write-opens, "
			 "file calls by path (rename, unlink, mkdir, ...), "
			 "connects and addressed sends decided in the kernel "
			 "path (%llu notifications, %llu files opened by "
			 "policyd)",
			 sup, total, (unsigned long long)nnot,
			 (unsigned long long)ninj);
}

/* Holding a racing caller's exec for checking (ptrace). */
static void detect_verify(struct layer_report *r)
{
	char vwhy[256];
	bool vok = exec_verify_available(vwhy, sizeof(vwhy));
	uint64_t nver, nkill;
	exec_verify_counts(&nver, &nkill);
	struct layer *l = add(r, "exec verification (ptrace)", vok);
	if (!vok)
		snprintf(l->why, sizeof(l->why),
			 "off: %s. Execs by processes with several threads "
			 "(or sharing their memory) are decided on the path "
			 "and argv policyd read; argv-dependent allows are "
			 "refused for them",
			 vwhy);
	else
		snprintf(l->why, sizeof(l->why),
			 "%s: execs by processes with several threads (or "
			 "sharing their memory) are held and checked when "
			 "the kernel has done them (%llu checked, %llu "
			 "killed)",
			 vwhy, (unsigned long long)nver,
			 (unsigned long long)nkill);
}

static void detect_landlock(struct layer_report *r)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	unsigned llw = 0, llx = 0, total = 0;
	for (struct session *s = D.sessions; s; s = s->next) {
		total++;
		llw += s->ll_write;
		llx += s->ll_exec;
	}
	struct layer *l = add(r, "Landlock", abi > 0 && (llw || llx));
	if (abi <= 0)
		snprintf(l->why, sizeof(l->why), "unavailable: %s",
			 strerror(errno));
	else if (llw || llx)
		snprintf(l->why, sizeof(l->why),
			 "ABI %ld: writes restricted in %u, execs in %u of %u "
			 "sessions",
			 abi, llw, llx, total);
	else
		snprintf(l->why, sizeof(l->why),
			 "ABI %ld available; no session's policy can be "
			 "expressed in it (a policy whose default is not deny "
			 "may allow any path); sessions still run in a domain "
			 "that keeps them out of agent-shell and policyd%s",
			 abi,
			 abi >= 6 ? " and keeps their signals and abstract "
				    "Unix sockets inside the session"
				  : "");
}

/* The private scratch directories (settings: scratch: private): where
 * agent-shell's filter lets their calls through, Landlock confining them
 * (it says so with the listener: session.h, scratch). */
static void detect_scratch(struct layer_report *r)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	unsigned asked = 0, fast = 0;
	for (struct session *s = D.sessions; s; s = s->next) {
		if (!policy_settings(s->policy)->scratch_private)
			continue;
		asked++;
		fast += s->scratch != NULL;
	}
	struct layer *l = add(r, "scratch directory (Landlock)", fast > 0);
	if (abi < 2)
		snprintf(l->why, sizeof(l->why),
			 "off: %s; a policy's scratch: private still gives "
			 "its sessions a TMPDIR of their own, whose calls "
			 "policyd decides (%u sessions)",
			 abi <= 0 ? "no Landlock" : "Landlock below ABI 2",
			 asked);
	else
		snprintf(l->why, sizeof(l->why),
			 "%u of %u sessions whose policy says scratch: "
			 "private: names made and removed in their own TMPDIR "
			 "without a round trip, confined there by Landlock, "
			 "not decided by rules or audited; the directories "
			 "kept where they are (tiergate-self), renames across "
			 "them EXDEV (the others: decided by policyd)",
			 fast, asked);
}

static long sysctl_value(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* Why a process of uid != 0 cannot make a user namespace here, or NULL
 * when it can (as far as the kernel's settings tell). */
static const char *userns_refused(void)
{
	if (sysctl_value("/proc/sys/user/max_user_namespaces") == 0)
		return "user.max_user_namespaces is 0";
	if (sysctl_value("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		return "kernel.unprivileged_userns_clone is 0";
	if (sysctl_value("/proc/sys/kernel/"
			 "apparmor_restrict_unprivileged_userns") == 1)
		return "AppArmor restricts unprivileged user namespaces "
		       "(kernel.apparmor_restrict_unprivileged_userns)";
	return NULL;
}

/* Can this policyd's own user make the namespaces agent-shell masks in?
 * (a child tries: the answer for policyd's sessions in user mode) */
static bool userns_works(void)
{
	pid_t p = fork();
	if (p == 0)
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0);
	int st = 0;
	return p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

/* The kernel deny-read layer: agent-shell masks the files and trees a
 * session's policy denies reading (wrappers/mountmask.c). */
static void detect_denyread(struct layer_report *r)
{
	unsigned with = 0, total = 0;
	for (struct session *s = D.sessions; s; s = s->next) {
		total++;
		with += s->denyread;
	}
	const char *no = geteuid() ? (userns_works()
					  ? NULL
					  : "this user cannot make a user "
					    "namespace")
				   : NULL;
	const char *other = geteuid() ? NULL : userns_refused();
	struct layer *l =
	    add(r, "kernel deny-read masks", !no && with > 0);
	if (no) {
		snprintf(l->why, sizeof(l->why),
			 "unavailable: %s (%s); reads of denied files by "
			 "static programs and raw system calls are not "
			 "refused",
			 no, userns_refused() ? userns_refused() : "?");
		return;
	}
	snprintf(l->why, sizeof(l->why),
		 "%u of %u sessions' policies deny reading files (masked in "
		 "the session's own mount namespace when they exist at its "
		 "start%s%s); not covered by masks: files created later, globs "
		 "with a wildcard below a directory, other names of a masked "
		 "file: the fanotify layer decides those (below), else the "
		 "interposer for dynamic programs only",
		 with, total, other ? "; not for sessions of other users: " : "",
		 other ? other : "");
}

/* Can a process with policyd's privileges make a fanotify group with
 * permission events (what agent-shell needs for the layer)? NULL, or why
 * not. */
static const char *fanotify_refused(void)
{
	int fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY);
	if (fd >= 0) {
		close(fd);
		return NULL;
	}
	return errno == EPERM ? "permission events need CAP_SYS_ADMIN"
	       : errno == ENOSYS || errno == EINVAL
		   ? "the kernel has no fanotify permission events"
		   : "fanotify_init failed";
}

/* The fanotify part of the deny-read layer: agent-shell's listener
 * (wrappers/fanlisten.c) in root sessions whose policy denies reads. */
static void detect_denyread_fan(struct layer_report *r)
{
	unsigned with = 0, total = 0;
	for (struct session *s = D.sessions; s; s = s->next) {
		total++;
		with += s->denyread && s->uid == 0;
	}
	const char *no = fanotify_refused();
	struct layer *l = add(r, "kernel deny-read fanotify", !no && with > 0);
	if (no) {
		snprintf(l->why, sizeof(l->why),
			 "unavailable: %s (this policyd's user cannot make a "
			 "permission group, nor can its sessions' "
			 "agent-shell); files created under denied paths after "
			 "a session starts and matches of globs the masks "
			 "cannot expand are refused to dynamic programs only",
			 no);
		return;
	}
	snprintf(l->why, sizeof(l->why),
		 "%u of %u sessions (root sessions whose policies deny "
		 "reading files; agent-shell says at a session's start when "
		 "the layer is off for it): every open in the session's own "
		 "mount namespace is decided by the listener (files created "
		 "later, deep globs); not covered: /proc (not watchable), "
		 "sessions of other users (no CAP_SYS_ADMIN)",
		 with, total);
}

void layers_detect(struct layer_report *r)
{
	r->n = 0;
	struct layer *l = add(r, "interposer (LD_PRELOAD)", true);
	snprintf(l->why, sizeof(l->why),
		 "exec/open/connect/git of dynamically linked programs "
		 "(cooperative layer)");

	l = add(r, "session tracking", true);
	snprintf(l->why, sizeof(l->why), "%s", D.cgroup_why);

	l = add(r, "audit log", D.audit != NULL);
	snprintf(l->why, sizeof(l->why), "%s",
		 D.audit ? audit_path(D.audit) : "not open");

	detect_seccomp(r);
	detect_verify(r);
	detect_landlock(r);
	detect_scratch(r);
	detect_denyread(r);
	detect_denyread_fan(r);
	struct egress_glue_status st;
	egress_glue_status(&st);
	snprintf(add(r, "eBPF cgroup egress", st.active)->why,
		 sizeof(r->v[0].why), "%s", st.egress);
	snprintf(add(r, "BPF LSM", false)->why, sizeof(r->v[0].why), "%s",
		 st.lsm);
	snprintf(add(r, "BPF fentry", false)->why, sizeof(r->v[0].why), "%s",
		 st.fentry);
}
