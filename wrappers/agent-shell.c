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
 *
 * This file: the command line, the choice of policy and policyd, the
 * session's environment and the first program. pdlink.c talks to policyd,
 * child.c runs the command.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "child.h"
#include "pdlink.h"
#include "rundir.h"
#include "sandbox.h"
#include "scratch.h"
#include "tg_proto.h"
#include "util.h"

static char self_dir[PATH_MAX];

__attribute__((format(printf, 1, 2), noreturn)) static void
die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "agent-shell: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(126);
}

struct shell_opts {
	const char *policy; /* --policy, else $TIERGATE_POLICY */
	const char *name;   /* --session */
	int mode;	    /* -1 auto, 0 --user, 1 --system */
	bool policy_given;
	char **cmd; /* the command, or an empty list */
};

/* -1 to go on, or the exit status (--help, a bad option). */
static int parse_args(int argc, char **argv, struct shell_opts *o)
{
	static const struct option opts[] = {
	    {"policy", required_argument, 0, 'p'},
	    {"session", required_argument, 0, 'n'},
	    {"user", no_argument, 0, 'u'},
	    {"system", no_argument, 0, 's'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0}};
	*o = (struct shell_opts){.policy = getenv("TIERGATE_POLICY"),
				 .mode = -1};
	int c;
	while ((c = getopt_long(argc, argv, "+p:n:ush", opts, NULL)) != -1) {
		if (c == 'p') {
			o->policy = optarg;
			o->policy_given = true;
		} else if (c == 'n') {
			o->name = optarg;
		} else if (c == 'u' || c == 's') {
			o->mode = c == 's';
		} else if (c == 'h') {
			printf("usage: agent-shell [--policy FILE] [--session "
			       "NAME] [--user|--system] [--] [CMD ARGS...]\n");
			return 0;
		} else {
			return 2;
		}
	}
	o->cmd = argv + optind;
	return -1;
}

static void find_self_dir(void)
{
	char exe[PATH_MAX];
	ssize_t el = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (el <= 0)
		die("cannot find myself: %s", strerror(errno));
	exe[el] = '\0';
	snprintf(self_dir, sizeof(self_dir), "%s", dirname(exe));
}

/* The policy file, absolute: the one given, else the installed default or
 * the source tree's. */
static void choose_policy(const char *policy, char out[PATH_MAX])
{
	if (policy) {
		if (!realpath(policy, out))
			die("policy %s: %s", policy, strerror(errno));
		return;
	}
	const char *cands[] = {"/etc/tiergate/default.yaml",
			       "%s/../policies/default.yaml",
			       "%s/../../policies/default.yaml"};
	for (size_t i = 0; i < 3; i++) {
		char p[PATH_MAX + 64];
		snprintf(p, sizeof(p), cands[i], self_dir);
		if (realpath(p, out))
			return;
	}
	die("no policy: give --policy FILE");
}

/* Starts policyd when none answers on the agent socket. */
static void ensure_policyd(const struct pdlink *l)
{
	int probe = pdlink_connect(l->rd.agent_sock);
	if (probe >= 0) {
		close(probe);
		return;
	}
	struct rundir mk;
	if (rundir_get(!l->user, true, &mk) < 0)
		die("cannot use the runtime directory %s", l->rd.dir);
	int r = pdlink_start(l);
	if (r == -ECHILD)
		die("policyd did not start (see the messages above)");
	if (r < 0)
		die("policyd did not open %s within 5 s; its log: %s",
		    l->rd.agent_sock, l->rd.logfile);
}

__attribute__((noreturn)) static void die_other_version(const struct pdlink *l,
						       const char *mism)
{
	die("%s: the one running in %s comes from another tiergate "
	    "installation. Stop it (its pid is in policyd.pid there) "
	    "and run agent-shell again, which starts the matching one",
	    mism, l->rd.dir);
}

/* Exits unless policyd is who answers on l->fd (pdauth.h). A policyd of
 * another tiergate version is not this one's either: then it says so, as
 * it would have when the session was refused (probe: nothing was sent yet,
 * so the question may be asked). */
static void authenticate(struct pdlink *l, bool probe)
{
	struct pdauth_peer peer;
	if (pdauth_check(&l->auth, l->fd, &peer) == 0)
		return;
	char mism[256];
	if (probe && pdlink_other_version(l->fd, mism, sizeof(mism)))
		die_other_version(l, mism);
	die("refused the process listening on %s: %s; no session was opened",
	    l->rd.agent_sock, peer.why);
}

/* Opens the session on l->fd; exits when policyd refuses it. */
static void open_session(struct pdlink *l, struct pdlink_session *s)
{
	static uint8_t rbuf[TGP_MAX_MSG];
	int r = pdlink_open_session(l, l->fd, rbuf, s);
	if (r == -ECONNRESET)
		die("policyd closed the connection while opening the session");
	if (r == -EPROTO) {
		char mism[256];
		tgp_version_mismatch(mism, sizeof(mism), rbuf, "agent-shell");
		die_other_version(l, mism);
	}
	if (r < 0)
		die("malformed answer from policyd");
	if (!s->ok) {
		fprintf(stderr,
			"agent-shell: policyd refused the session:\n%s\n",
			s->err);
		exit(126);
	}
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
	    self_dir);
}

/* What every process of the session inherits: the interposer first in
 * LD_PRELOAD, and where its session and policyd are. */
static void session_env(const struct pdlink *l, const struct pdlink_session *s)
{
	char lib[PATH_MAX];
	find_lib(lib, sizeof(lib));
	const char *old = getenv("LD_PRELOAD");
	char pre[PATH_MAX * 2 + 8];
	if (old && *old && !strstr(old, lib))
		snprintf(pre, sizeof(pre), "%s %s", lib, old);
	else
		snprintf(pre, sizeof(pre), "%s", lib);
	setenv("LD_PRELOAD", pre, 1);
	setenv("TIERGATE_SOCKET", l->rd.agent_sock, 1);
	setenv("TIERGATE_SESSION", s->id, 1);
	setenv("TIERGATE_FAIL", s->fail_open ? "open" : "closed", 1);
}

/* The session's private scratch directory (the policy's scratch:
 * private): made and named in TMPDIR; true when it is also held at
 * TG_SCRATCH_FD, where the filter and Landlock make its calls fast. A
 * directory that cannot be made ends the start: the policy asked for it. */
static bool make_scratch(const struct pdlink *l,
			 const struct pdlink_session *s, char *dir, size_t cap)
{
	int r = scratch_make(l->want.tmpdir, s->id, dir, cap);
	if (r < 0 && r != -EBUSY)
		die("cannot make the session's scratch directory (settings: "
		    "scratch: private) in %s: %s",
		    l->want.tmpdir ? l->want.tmpdir : "/tmp", strerror(-r));
	setenv("TMPDIR", dir, 1);
	setenv(TG_SCRATCH_ENV, dir, 1);
	if (r == 0)
		return true;
	unsetenv(TG_SCRATCH_ENV); /* no route: the interposer leaves it */
	fprintf(stderr,
		"tiergate: warning: the session's scratch directory %s cannot "
		"be held at descriptor %d (%s): its calls are decided by "
		"policyd, one round trip each\n",
		dir, TG_SCRATCH_FD,
		"the number is taken");
	return false;
}

/* The scratch directory ends with the session (its processes are ended
 * first: nothing of the session is left to use it). */
static void end_scratch(const char *dir, bool held)
{
	int r = scratch_remove(dir, held ? TG_SCRATCH_FD : -1);
	if (r < 0)
		fprintf(stderr,
			"tiergate: could not remove the session's scratch "
			"directory %s entirely: %s\n",
			dir, strerror(-r));
}

/* The session opened (or joined) after policyd is authenticated: before
 * it is told anything where agent-shell runs outside a session. A nested
 * agent-shell that joins its session is inside it (it cannot look at
 * policyd: Landlock) and hands nothing over; one that opens a session of
 * its own is authenticated then. Inside a session (its filter is on this
 * process: the interposer keeps TIERGATE_SOCKET out of the environment,
 * so the filter is what tells) policyd need not be looked at until
 * something would be handed over. */
static void open_authenticated(struct pdlink *l, bool nested,
			       struct pdlink_session *s)
{
	bool inside = nested || l->auth.filters > 0;
	if (!inside)
		authenticate(l, true);
	open_session(l, s);
	if (inside && !s->joined)
		authenticate(l, false);
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

/* Without a command: the user's shell, a login shell when interactive. */
static char **default_command(char *shell_argv[3], bool *interactive)
{
	const char *sh = getenv("SHELL");
	struct passwd *pw = getpwuid(getuid());
	if (!sh || !*sh)
		sh = pw && pw->pw_shell && *pw->pw_shell ? pw->pw_shell
							 : "/bin/sh";
	*interactive = isatty(0);
	shell_argv[0] = (char *)sh;
	shell_argv[1] = *interactive ? "-il" : NULL;
	shell_argv[2] = NULL;
	return shell_argv;
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
	/* the command line as a shell would need it typed (tg_argv_quote) */
	char label[1024];
	size_t argc = 0;
	while (argv[argc])
		argc++;
	tg_argv_quote(label, sizeof(label), (const char *const *)argv, argc);
	char line[2048];
	size_t ln = tgp_refusal_line(line, sizeof(line), "refused", "exec",
				     label, rule, msg);
	fwrite(line, 1, ln, stderr);
	return -1;
}

/* Whether the kernel path (the backstop) decides the session's execs,
 * the first one included: 1 or 0, or -1 when policyd refused the first
 * program. A nested agent-shell is interposed itself: the first program is
 * asked about here only when neither decides it. */
static int first_program(const struct pdlink *l,
			 const struct pdlink_session *s, bool sandbox,
			 const char *resolved, char **cmd)
{
	bool backstop = sandbox && !s->joined && sandbox_notify_available();
	if (sandbox && !s->joined && !backstop)
		fprintf(stderr, "tiergate: warning: the kernel has no seccomp "
				"user notification; static programs are not "
				"mediated in this session\n");
	if (!s->joined)
		setenv("TIERGATE_BACKSTOP", backstop ? "1" : "0", 1);
	if (!backstop && !s->joined && decide_first(l->fd, resolved, cmd) < 0)
		return -1;
	return backstop;
}

/* An interactive session's first lines: what is in force and how to watch
 * it. The policyctl named is the one next to us when the one on PATH is
 * another (or none: make run, before make install). */
static void banner(const struct pdlink_session *s, const char *audit)
{
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
		s->id, s->name, s->policy,
		audit[0] ? audit : "(ask policyctl status)", ctl, s->id);
}

/* The deny-read plan policyd sent, for the session's first process, or
 * NULL (said when the session's reads are not masked for it). */
static struct mountmask_plan *mask_plan(const struct pdlink *l,
					const struct pdlink_session *s)
{
	if (s->joined)
		return NULL; /* in its first agent-shell's namespace */
	if (!(s->flags & TGPF_MASK)) {
		fprintf(stderr,
			"tiergate: warning: %s; the files this policy denies "
			"reading are not masked in the kernel for this "
			"session\n",
			s->mask_cut ? "policyd's deny-read plan is longer than "
				      "agent-shell takes"
				    : "policyd sent no deny-read plan");
		return NULL;
	}
	if (l->auth.filters > 0) {
		/* inside another session: no namespace can be made (the
		 * filter), the outer session's masks stay in force */
		if (s->nmpath + s->nmtree + s->nmglob)
			fprintf(stderr,
				"tiergate: inside another session: the files "
				"this policy denies reading are masked in the "
				"kernel only as the outer session's policy "
				"masks them\n");
		return NULL;
	}
	/* the runtime directory holds the session's socket to policyd, and
	 * tiergate's programs must stay reachable */
	static char sockdir[sizeof(l->rd.agent_sock)];
	snprintf(sockdir, sizeof(sockdir), "%s", l->rd.agent_sock);
	char *slash = strrchr(sockdir, '/');
	if (slash)
		*slash = '\0';
	static const char *keep[3];
	keep[0] = l->rd.dir;
	keep[1] = sockdir;
	keep[2] = self_dir;
	static struct mountmask_plan m;
	m = (struct mountmask_plan){.path = s->mpath,
				    .npath = s->nmpath,
				    .tree = s->mtree,
				    .ntree = s->nmtree,
				    .globs = s->mglob,
				    .nglobs = s->nmglob,
				    .keep = keep,
				    .nkeep = TG_ARRAY_SIZE(keep)};
	return &m;
}

/* The fanotify part of the kernel deny-read layer (fanlisten.h) for plan
 * m, or NULL: then session start says why, once. Its marks need the
 * session's own mount namespace. */
static struct fanlisten *fan_layer(struct mountmask_plan *m)
{
	if (!m || !(m->npath + m->ntree + m->nglobs))
		return NULL;
	struct fanlisten *fl = NULL;
	const char *why = "?";
	int r = fanlisten_new(m, &fl, &why);
	if (r == -ENOENT)
		return NULL; /* (only rules denying every read: the interposer) */
	if (r < 0) {
		fprintf(stderr,
			"tiergate: the kernel deny-read layer's fanotify part "
			"is off: %s; files created under denied paths after "
			"the session starts, and matches of globs the masks "
			"cannot expand, are refused to dynamic programs only "
			"(the interposer)\n",
			why);
		return NULL;
	}
	m->need_ns = true;
	return fl;
}

/* The kernel deny-read layer's parts for the session's first process
 * (masks, fanotify), when it runs sandboxed. */
static void deny_read_layers(const struct pdlink *l,
			     const struct pdlink_session *s,
			     struct child_plan *plan)
{
	struct mountmask_plan *m = mask_plan(l, s);
	plan->fan = plan->sandbox ? fan_layer(m) : NULL;
	plan->mask = m;
}

int main(int argc, char **argv)
{
	struct shell_opts o;
	int rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	find_self_dir();

	const char *in_sock = getenv("TIERGATE_SOCKET");
	bool nested = in_sock && *in_sock;
	static struct pdlink l = {.fd = -1,
				  .listener = -1,
				  .inflight = -1,
				  .scratch = -1,
				  .cmd_pidfd = -1};
	l.self_dir = self_dir;
	l.user = o.mode == 0 || (o.mode == -1 && geteuid() != 0) ||
		 (o.mode == -1 && getenv("TIERGATE_USER_MODE"));
	rundir_get(!l.user, false, &l.rd);
	if (nested && strlen(in_sock) < sizeof(l.rd.agent_sock))
		snprintf(l.rd.agent_sock, sizeof(l.rd.agent_sock), "%s",
			 in_sock);
	pdauth_init(&l.auth, self_dir, l.user, l.rd.dir, &l.keep);
	if (!nested) {
		choose_policy(o.policy, l.want.policy);
		ensure_policyd(&l);
	}
	char audit[1024];
	pdlink_audit_path(&l, audit, sizeof(audit));

	const char *tmp = getenv("TMPDIR");
	const char *nosb = NULL;
	bool sandbox = sandbox_available(&nosb);
	l.want.name = o.name;
	l.want.tmpdir =
	    tmp && tmp[0] == '/' && strlen(tmp) < 500 ? tmp : NULL;
	l.want.flags = (sandbox ? TGPF_SECCOMP : 0) |
		       (sandbox_landlock_abi() ? TGPF_LANDLOCK : 0);
	l.fd = pdlink_connect(l.rd.agent_sock);
	if (l.fd < 0)
		die("cannot reach policyd at %s: %s", l.rd.agent_sock,
		    strerror(errno));
	if (!sandbox)
		fprintf(stderr,
			"tiergate: warning: no seccomp filter for this "
			"session: %s\n",
			nosb);
	/* policyd is authenticated before it is told anything, and before
	 * anything it says is used */
	static struct pdlink_session s;
	open_authenticated(&l, nested, &s);
	if (s.joined && o.policy_given)
		fprintf(stderr,
			"tiergate: already in session %s; its policy (%s) "
			"stays in force\n",
			s.id, s.policy);
	session_env(&l, &s);
	static char scratch[PATH_MAX];
	bool scratch_fd = (s.flags & TGPF_SCRATCH) && !s.joined &&
			  make_scratch(&l, &s, scratch, sizeof(scratch));
	l.scratch_path = scratch;
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	char *shell_argv[3];
	bool interactive = false;
	char **cmd =
	    *o.cmd ? o.cmd : default_command(shell_argv, &interactive);
	char *resolved = find_in_path(cmd[0]);
	if (!resolved) {
		fprintf(stderr, "agent-shell: %s: command not found\n", cmd[0]);
		return 127;
	}
	int backstop = first_program(&l, &s, sandbox, resolved, cmd);
	if (backstop < 0) {
		free(resolved);
		return 126;
	}
	if (interactive && !s.joined)
		banner(&s, audit);
	struct sandbox_fs fs = {.write = s.llw,
				.nwrite = s.nllw,
				.exec = s.llx,
				.nexec = s.nllx,
				.write_all = !(s.flags & TGPF_LL_WRITE),
				.exec_all = !(s.flags & TGPF_LL_EXEC),
				.scratch = scratch_fd ? scratch : NULL};
	struct child_plan plan = {.path = resolved,
				  .argv = cmd,
				  .sandbox = sandbox,
				  .backstop = backstop,
				  .fs = &fs};
	deny_read_layers(&l, &s, &plan);
	rc = child_run(&l, &plan);
	free(resolved);
	if (scratch[0])
		end_scratch(scratch, scratch_fd);
	return rc;
}
