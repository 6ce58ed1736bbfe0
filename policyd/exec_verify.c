/* SPDX-License-Identifier: MIT */
/*
 * exec_verify: holds the exec of a caller that could race until the kernel
 * has done it, and checks what it did.
 *
 * The kernel path answers an allowed exec with "continue": the kernel then
 * reads the path and argv from the caller's memory again. A caller with a
 * second thread (or sharing its memory with another process) can rewrite
 * them in between and run something policyd never decided (seccomp_unotify(2)
 * says so). For such callers policyd attaches with ptrace before it answers
 * (PTRACE_SEIZE, PTRACE_O_TRACEEXEC, PTRACE_O_EXITKILL), so the kernel stops
 * the process at the end of a successful exec, before the new program runs
 * one instruction. There policyd compares the file the kernel mapped
 * (/proc/PID/exe, device and inode) and the argv it built (/proc/PID/cmdline)
 * with what it decided on, and for git the environment it copied
 * (/proc/PID/environ, the variables git reads: exec_env.h): equal ->
 * detach, the program runs; different ->
 * SIGKILL, a line on the process's stderr and an audit line
 * (decision "killed", rule exec_race).
 *
 * An exec that fails returns to the caller: a PTRACE_INTERRUPT issued right
 * after the answer stops it there (or after the exec stop, where detaching
 * clears it), and policyd detaches. Nothing waits in policyd: stops are
 * collected when SIGCHLD arrives (signalfd) and at each turn of the loop; an
 * exec that has not finished after VERIFY_DEADLINE_MS is killed. If policyd
 * dies meanwhile, PTRACE_O_EXITKILL kills the process: fail closed.
 */
#include "exec_verify.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/seccomp.h>
#include <unistd.h>

#include "audit.h"
#include "caller.h"
#include "daemon.h"
#include "exec_env.h"
#include "log.h"
#include "missing.h"
#include "procfs.h"
#include "tg_proto.h"
#include "util.h"

#define VERIFY_MAX 64
#define VERIFY_DEADLINE_MS 10000

struct verify {
	bool used, killing;
	pid_t tid, tgid;
	dev_t dev;
	ino_t ino;
	char *cmdline; /* expected /proc/PID/cmdline */
	size_t cmdlen;
	bool env_dep; /* git: the environment's digest must match */
	uint8_t env_sha[EXEC_ENV_DIGEST_LEN];
	uint64_t deadline_ns;
	char session[32];
	char checked[TGP_MAX_PATH]; /* the program policyd decided on */
};

static struct verify vs[VERIFY_MAX];
static unsigned nused;
static int avail = -1; /* -1 not yet asked */
static char avail_why[256];
static uint64_t n_verified, n_killed;

/* Yama's ptrace_scope; -1 without Yama. */
static int yama_scope(void)
{
	char buf[16] = "";
	_cleanup_close_ int fd =
	    open("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	return n > 0 ? atoi(buf) : -1;
}

/* CAP_SYS_PTRACE in policyd's effective set. */
static bool has_cap_ptrace(void)
{
	char st[4096];
	size_t len = 0;
	_cleanup_close_ int fd =
	    open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, st, sizeof(st) - 1);
		len = n > 0 ? (size_t)n : 0;
	}
	st[len] = '\0';
	const char *e = strstr(st, "\nCapEff:");
	return e && ((strtoull(e + 8, NULL, 16) >> TG_CAP_SYS_PTRACE) & 1);
}

/* Can policyd attach to a session's process at all? Yama (when present)
 * can forbid it to anyone but an ancestor (scope 1) or without
 * CAP_SYS_PTRACE (scope 2), or to everyone (scope 3); policyd is never
 * its sessions' ancestor. */
bool exec_verify_available(char *why, size_t whysz)
{
	if (avail < 0) {
		int scope = yama_scope();
		bool cap = has_cap_ptrace();
		if (scope >= 3) {
			avail = 0;
			snprintf(avail_why, sizeof(avail_why),
				 "Yama ptrace_scope is 3: no process may "
				 "attach to another");
		} else if (scope >= 1 && !cap) {
			avail = 0;
			snprintf(avail_why, sizeof(avail_why),
				 "Yama ptrace_scope is %d and policyd has no "
				 "CAP_SYS_PTRACE (run it as root, or set "
				 "kernel.yama.ptrace_scope=0)",
				 scope);
		} else {
			avail = 1;
			snprintf(avail_why, sizeof(avail_why), "%s%s",
				 scope < 0 ? "no Yama" : "Yama allows it",
				 cap ? ", CAP_SYS_PTRACE" : ", same user");
		}
	}
	if (why)
		snprintf(why, whysz, "%s", avail_why);
	return avail == 1;
}

void exec_verify_counts(uint64_t *verified, uint64_t *killed)
{
	*verified = n_verified;
	*killed = n_killed;
}

static void entry_free(struct verify *e)
{
	free(e->cmdline);
	memset(e, 0, sizeof(*e));
	nused--;
}

int exec_verify_hold(pid_t tid, const struct outcome *o, const struct req *q,
		     const char *session)
{
	if (!o->exe_known)
		return -ENOTSUP;
	int slot = -1;
	for (int i = 0; i < VERIFY_MAX && slot < 0; i++)
		if (!vs[i].used)
			slot = i;
	if (slot < 0)
		return -EAGAIN;
	struct verify *e = &vs[slot];
	struct proc_status ps;
	if (procfs_status(tid, &ps) < 0)
		return -ESRCH;
	/* what /proc/PID/cmdline must read: the chain's entries, then the
	 * caller's argv[1..] */
	size_t tail = 0;
	for (size_t i = 1; i < q->argc; i++)
		tail += strlen(q->argv[i]) + 1;
	char *cmd = malloc(o->kprefix_len + tail + 1);
	if (!cmd)
		return -ENOMEM;
	memcpy(cmd, o->kprefix, o->kprefix_len);
	size_t len = o->kprefix_len;
	for (size_t i = 1; i < q->argc; i++) {
		size_t l = strlen(q->argv[i]) + 1;
		memcpy(cmd + len, q->argv[i], l);
		len += l;
	}
	if (ptrace(PTRACE_SEIZE, tid, 0,
		   PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL) < 0) {
		int err = errno;
		free(cmd);
		return -err;
	}
	*e = (struct verify){.used = true,
			     .tid = tid,
			     .tgid = ps.tgid ? ps.tgid : tid,
			     .dev = o->exe_dev,
			     .ino = o->exe_ino,
			     .cmdline = cmd,
			     .cmdlen = len,
			     .deadline_ns = tg_mono_ns() +
					    VERIFY_DEADLINE_MS * 1000000ull};
	snprintf(e->session, sizeof(e->session), "%s", session ? session : "");
	snprintf(e->checked, sizeof(e->checked), "%s", o->object);
	e->env_dep = o->env_dep;
	memcpy(e->env_sha, o->env_sha, sizeof(e->env_sha));
	nused++;
	return slot;
}

void exec_verify_answer(int slot, int lfd, uint64_t id, int err, bool cont)
{
	/* the kernel does the exec now (or fails the call); a caller that
	 * died meanwhile (the answer finds no call) leaves its exit to
	 * collect */
	struct seccomp_notif_resp r = {
	    .id = id,
	    .error = err,
	    .flags = cont ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0};
	(void)ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &r);
	/* an exec that fails returns to the caller: stop it there */
	(void)ptrace(PTRACE_INTERRUPT, vs[slot].tid, 0, 0);
}

/* What the check at an exec stop found: the program the kernel ran, and
 * what differs from what was decided. */
struct verdict {
	char why[2400];
	char ran[TGP_MAX_PATH];
};

/* An environment larger than any decision reads (decide_exec.c's
 * ENV_BYTES_MAX) is not the one decided on. */
#define ENV_READ_MAX ((1u << 20) + 2)

/* A git exec was decided with the environment policyd read from the
 * caller's memory; a second thread can change that memory before the
 * kernel copies it (GIT_CONFIG_* making the decided fetch a push). The
 * kernel's copy is the new program's /proc/PID/environ: its variables git
 * reads (exec_env.h) must have the decided digest. The argv that names
 * the --config-env variables is the decided one (checked equal before). */
static bool env_same(const struct verify *e, pid_t pid, char *why,
		     size_t whysz)
{
	if (!e->env_dep)
		return true;
	char *env = malloc(ENV_READ_MAX);
	size_t len = 0;
	int r = env ? procfs_environ(pid, env, ENV_READ_MAX, &len) : -ENOMEM;
	uint8_t got[EXEC_ENV_DIGEST_LEN];
	bool same = r == 0 && len + 1 < ENV_READ_MAX;
	if (same) {
		exec_env_digest_blocks(env, len, e->cmdline, e->cmdlen, got);
		same = !memcmp(got, e->env_sha, sizeof(got));
	}
	free(env);
	if (r < 0)
		snprintf(why, whysz, "its environment cannot be read (%s)",
			 strerror(-r));
	else if (!same)
		snprintf(why, whysz,
			 "its environment is not the one git's command was "
			 "decided with (GIT_*, HOME, XDG_CONFIG_HOME or a "
			 "--config-env variable changed during the exec)");
	return same;
}

/* The process is stopped at the end of its exec: is it running what was
 * decided? v says what it runs and what differs. */
static bool check(const struct verify *e, pid_t pid, struct verdict *v)
{
	char *why = v->why, *ran = v->ran;
	size_t whysz = sizeof(v->why), ransz = sizeof(v->ran);
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(p, ran, ransz - 1);
	ran[n > 0 ? n : 0] = '\0';
	struct stat st;
	if (stat(p, &st) < 0) {
		snprintf(why, whysz, "its program cannot be read (%s)",
			 strerror(errno));
		return false;
	}
	if (st.st_dev != e->dev || st.st_ino != e->ino) {
		snprintf(why, whysz,
			 "the kernel ran %.1000s, not the %.1000s "
			 "that was checked",
			 ran, e->checked);
		return false;
	}
	char *buf = malloc(e->cmdlen + 2);
	size_t len = 0;
	int r = buf ? procfs_cmdline(pid, buf, e->cmdlen + 2, &len) : -ENOMEM;
	bool same =
	    r == 0 && len == e->cmdlen && !memcmp(buf, e->cmdline, e->cmdlen);
	free(buf);
	if (!same) {
		snprintf(why, whysz,
			 "its argv is not the one that was checked "
			 "(rewritten during the exec)");
		return false;
	}
	return env_same(e, pid, why, whysz);
}

static void killed(struct verify *e, pid_t pid, const char *why,
		   const char *ran)
{
	n_killed++;
	/* the line names the exec as the other lines do: the command line
	 * that was decided, as a shell would need it typed */
	char label[1024];
	const char *dargv[256];
	size_t dargc = 0;
	for (size_t i = 0; i < e->cmdlen && dargc < 256;) {
		dargv[dargc++] = e->cmdline + i;
		i += strnlen(e->cmdline + i, e->cmdlen - i) + 1;
	}
	if (dargc)
		tg_argv_quote(label, sizeof(label), dargv, dargc);
	else
		tg_strlcpy(label, sizeof(label), ran[0] ? ran : e->checked);
	char line[2048];
	size_t n = tgp_refusal_line(
	    line, sizeof(line), "killed", "exec", label, "exec_race",
	    "another thread (or process) rewrote the exec while it was "
	    "checked; run it from a single-threaded process");
	caller_tell(pid, line, n);
	daemon_log("pid %d killed at its exec: %s", (int)pid, why);
	if (!D.audit)
		return;
	char cmd[16384];
	size_t len = 0;
	const char *argv[256];
	size_t argc = 0;
	if (procfs_cmdline(pid, cmd, sizeof(cmd), &len) == 0)
		for (size_t i = 0; i < len && argc < 256;) {
			argv[argc++] = cmd + i;
			i += strlen(cmd + i) + 1;
		}
	struct proc_stat ps = {0};
	procfs_stat(pid, &ps);
	struct proc_status cs;
	char cwd[TGP_MAX_PATH] = "";
	procfs_link(pid, "cwd", cwd, sizeof(cwd));
	struct audit_rec rec = {
	    .session = e->session[0] ? e->session : NULL,
	    .pid = pid,
	    .ppid = ps.ppid,
	    .uid = procfs_status(pid, &cs) == 0 ? cs.fsuid : (uid_t)-1,
	    .cwd = cwd,
	    .exe = ran,
	    .argv = argv,
	    .argc = argc,
	    .kind = "exec",
	    .target = e->checked,
	    .rule = "exec_race",
	    .tier = 0,
	    .action = "deny",
	    .decision = "killed",
	    .detail = why};
	if (audit_write(D.audit, &rec) < 0)
		daemon_log("audit write failed for a killed exec");
}

/* One wait status of e's process (now named pid). */
static void on_status(struct verify *e, pid_t pid, int status)
{
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		entry_free(e); /* gone: ptrace let go of it */
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	int event = status >> 16, sig = WSTOPSIG(status);
	if (e->killing) {
		/* SIGKILL is on its way; a stop before it lands */
		(void)ptrace(PTRACE_CONT, pid, 0, 0);
		return;
	}
	if (event == PTRACE_EVENT_EXEC) {
		struct verdict v;
		if (check(e, pid, &v)) {
			n_verified++;
			/* detaching clears the pending interrupt */
			if (ptrace(PTRACE_DETACH, pid, 0, 0) == 0) {
				entry_free(e);
				return;
			}
			snprintf(v.why, sizeof(v.why), "cannot let it go: %s",
				 strerror(errno));
		}
		killed(e, pid, v.why, v.ran);
		kill(pid, SIGKILL);
		e->killing = true;
		e->tgid = e->tid = pid;
		return;
	}
	/* the exec failed and the caller is back in its own program (the
	 * interrupt, or a signal for it): let it go, with that signal */
	int pass = (event == 0 && sig != SIGTRAP) ? sig : 0;
	if (ptrace(PTRACE_DETACH, pid, 0, pass) == 0 || errno == ESRCH)
		entry_free(e);
}

void exec_verify_poll(void)
{
	if (!nused)
		return;
	uint64_t now = tg_mono_ns();
	for (size_t i = 0; i < VERIFY_MAX; i++) {
		struct verify *e = &vs[i];
		if (!e->used)
			continue;
		/* a thread that execs takes its process's id */
		pid_t ids[2] = {e->tid, e->tgid};
		int nids = e->tid == e->tgid ? 1 : 2, gone = 0;
		for (int j = 0; j < nids && e->used; j++) {
			int status;
			pid_t w = waitpid(ids[j], &status, __WALL | WNOHANG);
			if (w > 0)
				on_status(e, w, status);
			else if (w < 0 && errno == ECHILD)
				gone++;
		}
		if (e->used && gone == nids) {
			entry_free(e); /* no longer ours to wait for */
			continue;
		}
		if (e->used && !e->killing && now > e->deadline_ns) {
			daemon_log("pid %d: exec not done after %d ms; killed",
				   (int)e->tid, VERIFY_DEADLINE_MS);
			e->killing = true;
			kill(e->tgid, SIGKILL);
		}
	}
}
