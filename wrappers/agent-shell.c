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
#include <sys/prctl.h>
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
static void start_policyd(const struct rundir *rd, const char *policy,
			  bool user)
{
	char bin[PATH_MAX + 16];
	snprintf(bin, sizeof(bin), "%s/policyd", self_dir);
	if (access(bin, X_OK) < 0)
		snprintf(bin, sizeof(bin), "policyd");
	pid_t p = fork();
	if (p < 0)
		die("cannot fork: %s", strerror(errno), NULL);
	if (p == 0) {
		char *argv[] = {bin, "--policy", (char *)policy,
				user ? "--user" : "--system", NULL};
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
		}
		execvp(bin, argv);
		fprintf(stderr, "agent-shell: cannot run %s: %s\n", bin,
			strerror(errno));
		_exit(127);
	}
	int st;
	waitpid(p, &st, 0); /* policyd's first process exits once detached */
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
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
	if (tgp_dec_begin(&d, buf, (size_t)rn) == 0) {
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
	fprintf(stderr, "tiergate: refused exec \"%s\" (rule %s): %s\n", label,
		rule, msg);
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
	uint8_t buf[16384];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_SESSION_NEW, 7);
	if (name)
		tgp_put_str(&e, TGPT_NAME, name);
	if (policy_abs[0])
		tgp_put_str(&e, TGPT_POLICY, policy_abs);
	const char *tmp = getenv("TMPDIR");
	if (tmp && tmp[0] == '/' && strlen(tmp) < 500)
		tgp_put_str(&e, TGPT_TMPDIR, tmp);
	const char *nosb = NULL;
	bool sandbox = sandbox_available(&nosb);
	if (!sandbox)
		fprintf(stderr,
			"tiergate: warning: no seccomp filter for this "
			"session: %s\n",
			nosb);
	tgp_put_u32(&e, TGPT_FLAGS,
		    (sandbox ? TGPF_SECCOMP : 0) |
			(sandbox_landlock_abi() ? TGPF_LANDLOCK : 0));
	long n = tgp_enc_end(&e);
	static uint8_t rbuf[TGP_MAX_MSG];
	long rn =
	    n > 0 ? tgp_roundtrip(sfd, buf, (size_t)n, rbuf, sizeof(rbuf)) : -1;
	if (rn < 0)
		die("policyd closed the connection while opening the session%s",
		    NULL, NULL);
	struct tgp_dec d;
	struct tgp_field f;
	char session[64] = "", sname[64] = "", spolicy[PATH_MAX] = "",
	     err[4096] = "";
	uint32_t fail_open = 0, joined = 0;
	if (tgp_dec_begin(&d, rbuf, (size_t)rn) < 0)
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
	if (decide_first(sfd, resolved, cmd) < 0) {
		free(resolved);
		return 126;
	}
	if (interactive && !joined) {
		fprintf(stderr,
			"tiergate: session %s (%s), policy %s\n"
			"tiergate: audit log %s\n"
			"tiergate: watch decisions from another terminal: "
			"policyctl log --follow --session %s\n",
			session, sname, spolicy,
			audit[0] ? audit : "(ask policyctl status)", session);
	}
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
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
			int r = sandbox_apply(&fs, &what);
			if (r < 0) {
				/* fail closed: never run the agent unsandboxed
				 * after telling policyd it is */
				fprintf(stderr,
					"agent-shell: cannot install the "
					"seccomp filter (%s): %s\n",
					what, strerror(-r));
				_exit(126);
			}
		}
		execv(resolved, cmd);
		fprintf(stderr, "agent-shell: %s: %s\n", cmd[0],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	free(resolved);
	int status = 0;
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, 0);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p == child) {
			status = WIFEXITED(st) ? WEXITSTATUS(st)
					       : 128 + WTERMSIG(st);
			break;
		}
		/* an orphaned descendant re-parented to us: reaped */
	}
	close(sfd);
	return status;
}
