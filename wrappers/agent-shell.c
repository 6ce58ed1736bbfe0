/* SPDX-License-Identifier: MIT */
/*
 * agent-shell: runs a command (default: the user's shell) as a mediated
 * tiergate session.
 *
 *   agent-shell [--policy FILE] [--session NAME] [--user|--system] [--] [CMD
 * ARGS...]
 *
 * Finds policyd (starting it if needed), opens a session, sets up the
 * environment (LD_PRELOAD, TIERGATE_*), becomes a child subreaper so that
 * orphaned descendants stay in its process tree (the session, as policyd
 * sees it in user mode), asks policyd about CMD itself, runs it and exits
 * with its status. Inside a session, a nested agent-shell joins the
 * session it is in: it cannot pick a looser policy.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rundir.h"
#include "sandbox.h"
#include "tg_proto.h"

static char self_dir[PATH_MAX];
static pid_t child = -1;

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "agent-shell: ");
	fprintf(stderr, fmt, a ? a : "", b ? b : "");
	fputc('\n', stderr);
	exit(126);
}

/* Starts policyd (it detaches itself) and waits for its socket. */
/* Runs policyd (it detaches itself; its first process exits 0 once it
 * is listening or about to). policyd runs outside any session: the
 * session variables agent-shell may have set are not passed on. Returns
 * 0, or -1 when it could not start. */
static int spawn_policyd(const char *policy, bool user)
{
	char bin[PATH_MAX + 16];
	snprintf(bin, sizeof(bin), "%s/policyd", self_dir);
	if (access(bin, X_OK) < 0)
		snprintf(bin, sizeof(bin), "policyd");
	pid_t p = fork();
	if (p < 0)
		return -1;
	if (p == 0) {
		char *argv[] = {bin, "--policy", (char *)policy,
				user ? "--user" : "--system", NULL};
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
		}
		unsetenv("LD_PRELOAD");
		unsetenv("TIERGATE_SOCKET");
		unsetenv("TIERGATE_SESSION");
		execvp(bin, argv);
		fprintf(stderr, "agent-shell: cannot run %s: %s\n", bin,
			strerror(errno));
		_exit(127);
	}
	int st;
	if (waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

/* Starts policyd and waits for its socket. */
static void start_policyd(const struct rundir *rd, const char *policy,
			  bool user)
{
	if (spawn_policyd(policy, user) < 0)
		die("policyd did not start (see the messages above)%s", NULL,
		    NULL);
	for (int i = 0; i < 200; i++) {
		int fd = tgp_connect(rd->agent_sock);
		if (fd >= 0) {
			close(fd);
			return;
		}
		struct timespec ts = {0, 25 * 1000000};
		nanosleep(&ts, NULL);
	}
	die("policyd did not open %s within 5 s; its log: %s", rd->agent_sock,
	    rd->logfile);
}

static void find_lib(char *out, size_t cap)
{
	const char *cands[] = {"%s/libtiergate-preload.so",
			       "%s/../lib/tiergate/libtiergate-preload.so"};
	for (size_t i = 0; i < 2; i++) {
		char p[PATH_MAX + 64], r[PATH_MAX];
		snprintf(p, sizeof(p), cands[i], self_dir);
		if (realpath(p, r)) {
			snprintf(out, cap, "%s", r);
			return;
		}
	}
	die("cannot find libtiergate-preload.so next to agent-shell (%s)",
	    self_dir, NULL);
}

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

/* SIGCHLD only has to interrupt ppoll in the backstop loop */
static void on_child(int sig)
{
	(void)sig;
}

static void query_audit_path(const struct rundir *rd, char *out, size_t cap)
{
	out[0] = '\0';
	int fd = tgp_connect(rd->control_sock);
	if (fd < 0)
		return;
	if (tgp_write_all(fd, "audit-path\n", 11) == 0) {
		ssize_t n = recv(fd, out, cap - 1, 0);
		if (n > 0) {
			out[n] = '\0';
			out[strcspn(out, "\n")] = '\0';
			if (!strncmp(out, "error", 5))
				out[0] = '\0';
		}
	}
	close(fd);
}

/* Asks policyd about the first program (agent-shell itself is not
 * interposed). Returns 0 if allowed. */
static int decide_first(int fd, const char *path, char **argv)
{
	static uint8_t buf[TGP_MAX_MSG];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_DECIDE, 9);
	tgp_put_u32(&e, TGPT_KIND, TGPK_EXEC);
	tgp_put_str(&e, TGPT_PATH, path);
	tgp_put_u32(&e, TGPT_DIRFD, TGP_AT_FDCWD);
	for (size_t i = 0; argv[i]; i++)
		tgp_put_str(&e, TGPT_ARG, argv[i]);
	long n = tgp_enc_end(&e);
	if (n < 0) {
		fprintf(stderr,
			"tiergate: refused exec \"%s\": the command line is "
			"too large to mediate\n",
			path);
		return -1;
	}
	long rn = tgp_roundtrip(fd, buf, (size_t)n, buf, sizeof(buf));
	if (rn < 0) {
		fprintf(
		    stderr,
		    "tiergate: refused exec \"%s\": policyd is unreachable\n",
		    path);
		return -1;
	}
	struct tgp_dec d;
	struct tgp_field f;
	uint32_t action = 3;
	char rule[128] = "", msg[1024] = "";
	int dr = tgp_dec_begin(&d, buf, (size_t)rn);
	if (dr == -EPROTO) {
		char mism[256];
		tgp_version_mismatch(mism, sizeof(mism), buf, "agent-shell");
		snprintf(msg, sizeof(msg),
			 "%s: restart policyd from this tiergate's "
			 "installation",
			 mism);
	}
	if (dr == 0) {
		while (tgp_dec_next(&d, &f) == 1) {
			if (f.tag == TGPT_ACTION)
				action = tgp_u32(&f);
			else if (f.tag == TGPT_RULE)
				(void)tgp_str(&f, rule, sizeof(rule));
			else if (f.tag == TGPT_MESSAGE)
				(void)tgp_str(&f, msg, sizeof(msg));
		}
	}
	if (action <= 1)
		return 0;
	char label[1024] = "";
	for (size_t i = 0, o = 0; argv[i] && o + 2 < sizeof(label); i++)
		o += (size_t)snprintf(label + o, sizeof(label) - o, "%s%s",
				      i ? " " : "", argv[i]);
	char line[2048];
	size_t ln = tgp_refusal_line(line, sizeof(line), "refused", "exec",
				     label, rule, msg);
	fwrite(line, 1, ln, stderr);
	return -1;
}

static char *find_in_path(const char *cmd)
{
	if (strchr(cmd, '/'))
		return realpath(cmd, NULL);
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	char *dup = strdup(path);
	for (char *tok = strtok(dup, ":"); tok; tok = strtok(NULL, ":")) {
		char cand[PATH_MAX];
		snprintf(cand, sizeof(cand), "%s/%s", tok, cmd);
		if (access(cand, X_OK) == 0) {
			free(dup);
			return realpath(cand, NULL);
		}
	}
	free(dup);
	return NULL;
}

/* ------------------------------------------------- the backstop listener */

static int lfd_copy = -1; /* the session's seccomp listener (our copy) */
static int inflight = -1; /* the in-flight table policyd writes */
static bool backstop;

/* Hands the listener and the in-flight table to policyd on fd (the
 * session's connection). 0 when policyd supervises the session. */
static int send_listener(int fd)
{
	uint8_t buf[64];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_LISTENER, 11);
	long n = tgp_enc_end(&e);
	if (n < 0)
		return -1;
	int fds[2] = {lfd_copy, inflight};
	int nfd = inflight >= 0 ? 2 : 1;
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(2 * sizeof(int))];
	} cm;
	memset(&cm, 0, sizeof(cm));
	struct iovec iov = {.iov_base = buf, .iov_len = (size_t)n};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cm.b,
			    .msg_controllen = CMSG_SPACE(nfd * sizeof(int))};
	struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(nfd * sizeof(int));
	memcpy(CMSG_DATA(h), fds, nfd * sizeof(int));
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) != n)
		return -1;
	static uint8_t rb[8192];
	long got = tgp_read_msg(fd, rb, sizeof(rb));
	if (got < 0)
		return -1;
	struct tgp_dec d;
	if (tgp_dec_begin(&d, rb, (size_t)got) < 0)
		return -1;
	if (d.h.type != TGP_LISTENER_OK) {
		struct tgp_field f;
		char err[512] = "?";
		while (tgp_dec_next(&d, &f) == 1)
			if (f.tag == TGPT_MESSAGE)
				(void)tgp_str(&f, err, sizeof(err));
		fprintf(stderr,
			"agent-shell: policyd refused the listener: %s\n", err);
		return -1;
	}
	return 0;
}

/* The session as it was asked for, to ask again after a policyd restart. */
static struct {
	const char *name;
	char policy[PATH_MAX];
	const char *tmpdir;
	uint32_t flags;
} want;

static long session_new(int fd, uint8_t *rbuf, size_t rcap)
{
	uint8_t buf[16384];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_SESSION_NEW, 7);
	if (want.name)
		tgp_put_str(&e, TGPT_NAME, want.name);
	if (want.policy[0])
		tgp_put_str(&e, TGPT_POLICY, want.policy);
	if (want.tmpdir)
		tgp_put_str(&e, TGPT_TMPDIR, want.tmpdir);
	tgp_put_u32(&e, TGPT_FLAGS, want.flags);
	long n = tgp_enc_end(&e);
	return n > 0 ? tgp_roundtrip(fd, buf, (size_t)n, rbuf, rcap) : -1;
}

/* policyd went away: the session's notified calls wait in the kernel (our
 * copy of the listener keeps them queued). Wait for a policyd (starting one
 * in user mode), open the session again and hand it the listener. */
static int reattach(const struct rundir *rd, bool user)
{
	/* how long to wait for someone else (systemd, an operator) to restart
	 * policyd before starting one ourselves (user mode only) */
	const char *ms = getenv("TIERGATE_RESTART_AFTER_MS");
	long after = ms ? atol(ms) / 100 : 20;
	fprintf(stderr, "tiergate: policyd stopped; mediated calls wait until "
			"it is back\n");
	for (int i = 0;; i++) {
		int fd = tgp_connect(rd->agent_sock);
		if (fd >= 0) {
			static uint8_t rb[TGP_MAX_MSG];
			long rn = session_new(fd, rb, sizeof(rb));
			struct tgp_dec d;
			if (rn > 0 && tgp_dec_begin(&d, rb, (size_t)rn) == 0 &&
			    d.h.type == TGP_SESSION_OK &&
			    (!backstop || send_listener(fd) == 0)) {
				fprintf(stderr, "tiergate: policyd is back; "
						"the session goes on\n");
				return fd;
			}
			close(fd);
		} else if (user && i >= after && (i - after) % 20 == 0) {
			/* nobody restarted it within 2 s: start our own, and
			 * again every 2 s while none answers (one that died
			 * while starting must not leave the session waiting
			 * for ever) */
			(void)spawn_policyd(want.policy, user);
		}
		struct timespec ts = {0, 100 * 1000000};
		nanosleep(&ts, NULL);
	}
}

int main(int argc, char **argv)
{
	const char *policy = getenv("TIERGATE_POLICY"), *name = NULL;
	int mode = -1;
	static const struct option opts[] = {
	    {"policy", required_argument, 0, 'p'},
	    {"session", required_argument, 0, 'n'},
	    {"user", no_argument, 0, 'u'},
	    {"system", no_argument, 0, 's'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0}};
	int o;
	bool policy_given = false;
	while ((o = getopt_long(argc, argv, "+p:n:ush", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			policy = optarg;
			policy_given = true;
			break;
		case 'n':
			name = optarg;
			break;
		case 'u':
			mode = 0;
			break;
		case 's':
			mode = 1;
			break;
		case 'h':
			printf("usage: agent-shell [--policy FILE] [--session "
			       "NAME] [--user|--system] [--] [CMD ARGS...]\n");
			return 0;
		default:
			return 2;
		}
	}
	char exe[PATH_MAX];
	ssize_t el = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (el <= 0)
		die("cannot find myself: %s", strerror(errno), NULL);
	exe[el] = '\0';
	snprintf(self_dir, sizeof(self_dir), "%s", dirname(exe));

	const char *in_sock = getenv("TIERGATE_SOCKET");
	bool nested = in_sock && *in_sock;
	struct rundir rd;
	bool user = mode == 0 || (mode == -1 && geteuid() != 0) ||
		    (mode == -1 && getenv("TIERGATE_USER_MODE"));
	rundir_get(!user, false, &rd);
	if (nested && strlen(in_sock) < sizeof(rd.agent_sock))
		snprintf(rd.agent_sock, sizeof(rd.agent_sock), "%s", in_sock);

	char policy_abs[PATH_MAX] = "";
	if (!nested) {
		if (!policy) {
			const char *cands[] = {
			    "/etc/tiergate/default.yaml",
			    "%s/../policies/default.yaml",
			    "%s/../../policies/default.yaml"};
			for (size_t i = 0; i < 3 && !policy_abs[0]; i++) {
				char p[PATH_MAX + 64];
				snprintf(p, sizeof(p), cands[i], self_dir);
				if (!realpath(p, policy_abs))
					policy_abs[0] = '\0';
			}
			if (!policy_abs[0])
				die("no policy: give --policy FILE%s", NULL,
				    NULL);
		} else if (!realpath(policy, policy_abs)) {
			die("policy %s: %s", policy, strerror(errno));
		}
		int probe = tgp_connect(rd.agent_sock);
		if (probe < 0) {
			struct rundir mk;
			if (rundir_get(!user, true, &mk) < 0)
				die("cannot use the runtime directory %s",
				    rd.dir, NULL);
			start_policyd(&rd, policy_abs, user);
		} else {
			close(probe);
		}
	}
	char audit[1024];
	query_audit_path(&rd, audit, sizeof(audit));

	int sfd = tgp_connect(rd.agent_sock);
	if (sfd < 0)
		die("cannot reach policyd at %s: %s", rd.agent_sock,
		    strerror(errno));
	const char *tmp = getenv("TMPDIR");
	const char *nosb = NULL;
	bool sandbox = sandbox_available(&nosb);
	if (!sandbox)
		fprintf(stderr,
			"tiergate: warning: no seccomp filter for this "
			"session: %s\n",
			nosb);
	want.name = name;
	snprintf(want.policy, sizeof(want.policy), "%s", policy_abs);
	want.tmpdir = tmp && tmp[0] == '/' && strlen(tmp) < 500 ? tmp : NULL;
	want.flags = (sandbox ? TGPF_SECCOMP : 0) |
		     (sandbox_landlock_abi() ? TGPF_LANDLOCK : 0);
	static uint8_t rbuf[TGP_MAX_MSG];
	long rn = session_new(sfd, rbuf, sizeof(rbuf));
	if (rn < 0)
		die("policyd closed the connection while opening the session%s",
		    NULL, NULL);
	struct tgp_dec d;
	struct tgp_field f;
	char session[64] = "", sname[64] = "", spolicy[PATH_MAX] = "",
	     err[4096] = "";
	uint32_t fail_open = 0, joined = 0;
	int dr = tgp_dec_begin(&d, rbuf, (size_t)rn);
	if (dr == -EPROTO) {
		char mism[256];
		tgp_version_mismatch(mism, sizeof(mism), rbuf, "agent-shell");
		die("%s: the one running in %s comes from another tiergate "
		    "installation. Stop it (its pid is in policyd.pid there) "
		    "and run agent-shell again, which starts the matching one",
		    mism, rd.dir);
	}
	if (dr < 0)
		die("malformed answer from policyd%s", NULL, NULL);
	static const char *llw[TGP_MAX_GLOBS], *llx[TGP_MAX_GLOBS];
	static char llbuf[TGP_MAX_MSG];
	size_t nllw = 0, nllx = 0, llo = 0;
	uint32_t flags = 0;
	while (tgp_dec_next(&d, &f) == 1) {
		if ((f.tag == TGPT_LL_WRITE || f.tag == TGPT_LL_EXEC) &&
		    llo + f.len + 1 <= sizeof(llbuf)) {
			char *p = llbuf + llo;
			memcpy(p, f.v, f.len);
			p[f.len] = '\0';
			llo += f.len + 1;
			if (f.tag == TGPT_LL_WRITE && nllw < TGP_MAX_GLOBS)
				llw[nllw++] = p;
			else if (f.tag == TGPT_LL_EXEC && nllx < TGP_MAX_GLOBS)
				llx[nllx++] = p;
			continue;
		}
		if (f.tag == TGPT_SESSION)
			(void)tgp_str(&f, session, sizeof(session));
		else if (f.tag == TGPT_NAME)
			(void)tgp_str(&f, sname, sizeof(sname));
		else if (f.tag == TGPT_POLICY)
			(void)tgp_str(&f, spolicy, sizeof(spolicy));
		else if (f.tag == TGPT_FAIL)
			fail_open = tgp_u32(&f);
		else if (f.tag == TGPT_FLAGS) {
			flags = tgp_u32(&f);
			joined = flags & 1;
		} else if (f.tag == TGPT_MESSAGE)
			(void)tgp_str(&f, err, sizeof(err));
	}
	if (d.h.type != TGP_SESSION_OK) {
		fprintf(stderr,
			"agent-shell: policyd refused the session:\n%s\n", err);
		return 126;
	}
	if (joined && policy_given)
		fprintf(stderr,
			"tiergate: already in session %s; its policy (%s) "
			"stays in force\n",
			session, spolicy);

	char lib[PATH_MAX];
	find_lib(lib, sizeof(lib));
	const char *old = getenv("LD_PRELOAD");
	char pre[PATH_MAX * 2 + 8];
	if (old && *old && !strstr(old, lib))
		snprintf(pre, sizeof(pre), "%s %s", lib, old);
	else
		snprintf(pre, sizeof(pre), "%s", lib);
	setenv("LD_PRELOAD", pre, 1);
	setenv("TIERGATE_SOCKET", rd.agent_sock, 1);
	setenv("TIERGATE_SESSION", session, 1);
	setenv("TIERGATE_FAIL", fail_open ? "open" : "closed", 1);
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	char **cmd = argv + optind;
	char *shell_argv[3];
	bool interactive = false;
	if (!*cmd) {
		const char *sh = getenv("SHELL");
		struct passwd *pw = getpwuid(getuid());
		if (!sh || !*sh)
			sh = pw && pw->pw_shell && *pw->pw_shell ? pw->pw_shell
								 : "/bin/sh";
		interactive = isatty(0);
		shell_argv[0] = (char *)sh;
		shell_argv[1] = interactive ? "-il" : NULL;
		shell_argv[2] = NULL;
		cmd = shell_argv;
	}
	char *resolved = find_in_path(cmd[0]);
	if (!resolved) {
		fprintf(stderr, "agent-shell: %s: command not found\n", cmd[0]);
		return 127;
	}
	/* the backstop decides the first exec in the kernel; a nested
	 * agent-shell is interposed itself: ask here only when neither does */
	backstop = sandbox && !joined && sandbox_notify_available();
	if (sandbox && !joined && !backstop)
		fprintf(stderr, "tiergate: warning: the kernel has no seccomp "
				"user notification; static programs are not "
				"mediated in this session\n");
	if (!joined)
		setenv("TIERGATE_BACKSTOP", backstop ? "1" : "0", 1);
	if (!backstop && !joined && decide_first(sfd, resolved, cmd) < 0) {
		free(resolved);
		return 126;
	}
	if (interactive && !joined) {
		/* the policyctl next to us when the one on PATH is another
		 * (or none: make run, before make install) */
		char ctl[PATH_MAX + 16] = "policyctl";
		char *onpath = find_in_path("policyctl");
		char mine[PATH_MAX + 16];
		snprintf(mine, sizeof(mine), "%s/policyctl", self_dir);
		char *minereal = realpath(mine, NULL);
		if (minereal && (!onpath || strcmp(onpath, minereal)))
			snprintf(ctl, sizeof(ctl), "%s", minereal);
		free(onpath);
		free(minereal);
		fprintf(stderr,
			"tiergate: session %s (%s), policy %s\n"
			"tiergate: audit log %s\n"
			"tiergate: watch decisions from another terminal: "
			"%s log --follow --session %s\n",
			session, sname, spolicy,
			audit[0] ? audit : "(ask policyctl status)", ctl,
			session);
	}
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	/* the child installs the filter, then tells us its listener's number
	 * on tell[1]; we take the listener with pidfd_getfd (a send would be
	 * a notified call with nobody to answer it yet) and say go on ack[1] */
	int tell[2] = {-1, -1}, ack[2] = {-1, -1};
	if (backstop &&
	    (pipe2(tell, O_CLOEXEC) < 0 || pipe2(ack, O_CLOEXEC) < 0))
		die("cannot create pipes: %s", strerror(errno), NULL);
	child = fork();
	if (child < 0)
		die("cannot fork: %s", strerror(errno), NULL);
	if (child == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		close(sfd);
		if (sandbox) {
			const char *what = "?";
			struct sandbox_fs fs = {
			    .write = llw,
			    .nwrite = nllw,
			    .exec = llx,
			    .nexec = nllx,
			    .write_all = !(flags & TGPF_LL_WRITE),
			    .exec_all = !(flags & TGPF_LL_EXEC)};
			int lfd = -1;
			int r =
			    sandbox_apply(&fs, backstop ? &lfd : NULL, &what);
			if (r < 0) {
				/* fail closed: never run the agent unsandboxed
				 * after telling policyd it is */
				fprintf(stderr,
					"agent-shell: cannot install the "
					"seccomp filter (%s): %s\n",
					what, strerror(-r));
				_exit(126);
			}
			if (backstop) {
				char c;
				if (write(tell[1], &lfd, sizeof(lfd)) !=
					sizeof(lfd) ||
				    read(ack[0], &c, 1) != 1 || c != 'y')
					_exit(126);
				close(lfd); /* the session never holds it */
			}
		}
		execv(resolved, cmd);
		int e = errno;
		if (!(backstop && e == EACCES)) /* policyd said why */
			fprintf(stderr, "agent-shell: %s: %s\n", cmd[0],
				strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}
	free(resolved);
	if (backstop) {
		close(tell[1]);
		close(ack[0]);
		int num = -1;
		int pfd = (int)syscall(SYS_pidfd_open, child, 0);
		if (read(tell[0], &num, sizeof(num)) == sizeof(num) && pfd >= 0)
			lfd_copy = (int)syscall(SYS_pidfd_getfd, pfd, num, 0);
		if (pfd >= 0)
			close(pfd);
		if (lfd_copy >= 0) {
			fcntl(lfd_copy, F_SETFD, FD_CLOEXEC);
			inflight =
			    memfd_create("tiergate-inflight",
					 MFD_CLOEXEC | MFD_ALLOW_SEALING);
			if (inflight >= 0 &&
			    (ftruncate(inflight, TGP_INFLIGHT_BYTES) < 0 ||
			     fcntl(inflight, F_ADD_SEALS,
				   F_SEAL_SHRINK | F_SEAL_GROW) < 0)) {
				close(inflight);
				inflight = -1;
			}
		}
		if (lfd_copy < 0 || send_listener(sfd) < 0) {
			fprintf(stderr, "agent-shell: cannot hand the seccomp "
					"listener to policyd; stopping\n");
			kill(child, SIGKILL);
			waitpid(child, NULL, 0);
			return 126;
		}
		(void)!write(ack[1], "y", 1);
		close(ack[1]);
		close(tell[0]);
	}
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
		if (p > 0)
			continue; /* an orphaned descendant re-parented to us */
		/* backstop: watch policyd's end of the session too */
		struct pollfd pf = {.fd = sfd, .events = POLLIN};
		int pr = ppoll(&pf, 1, NULL, &open_mask);
		if (pr == 1) {
			char junk[256];
			ssize_t r = recv(sfd, junk, sizeof(junk), MSG_DONTWAIT);
			if (r == 0 || (r < 0 && errno != EAGAIN)) {
				close(sfd);
				sfd = reattach(&rd, user);
			}
		}
	}
	close(sfd);
	return status;
}
