/* SPDX-License-Identifier: MIT */
/*
 * policyctl: the command-line tool for security teams (check, explain,
 * test) and operators (status, sessions, log, pending, approve, deny,
 * watch, reload, kill: see ctl_client.c).
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cli_common.h"
#include "ctl_enforce.h"
#include "gitparse.h"
#include "policy.h"
#include "policy_grants.h"
#include "rundir.h"
#include "selfprot.h"
#include "sys.h"
#include "util.h"

static void usage(FILE *f)
{
	fputs("usage: policyctl COMMAND [ARGS]\n"
	      "\n"
	      "Policy authoring (no daemon needed):\n"
	      "  check [--var NAME=VALUE]... FILE...\n"
	      "        validate policies; errors as FILE:LINE:COL: message\n"
	      "  explain [--var NAME=VALUE]... [--cwd DIR] FILE -- EVENT\n"
	      "        show every matching rule and the decision; EVENT is one "
	      "of\n"
	      "          exec CMD [ARGS...]        (git commands are parsed as "
	      "git)\n"
	      "          open PATH [--access "
	      "read|write|create|delete|exec[,...]]\n"
	      "          connect HOST:PORT [--proto tcp|udp]\n"
	      "          git SUBCOMMAND [ARGS...]\n"
	      "  test [--var NAME=VALUE]... FILE...\n"
	      "        run the policy's tests: cases\n",
	      f);
	cli_online_usage(f);
}

struct vars_opt {
	const char *ov[64];
	size_t n;
	char cwd[TG_PATH_MAX];
	char home[TG_PATH_MAX], user[256];
	struct policy_vars v;
};

/* The variables a policy sees, as policyd gives them to a session of this
 * user: HOME and USER from the account database for the uid (policyd's
 * session_create), never from the environment, which differs from shell to
 * shell (sudo, su, a test harness) and would make explain and test decide
 * otherwise than the daemon; PWD is the current directory, TMPDIR the
 * environment's, as agent-shell asks for it. --var overrides any. */
static void vars_init(struct vars_opt *o)
{
	memset(o, 0, sizeof(*o));
	if (!getcwd(o->cwd, sizeof(o->cwd)))
		snprintf(o->cwd, sizeof(o->cwd), "/");
	struct passwd *pw = getpwuid(geteuid());
	snprintf(o->home, sizeof(o->home), "%s",
		 pw ? pw->pw_dir : "/nonexistent");
	snprintf(o->user, sizeof(o->user), "%s", pw ? pw->pw_name : "nobody");
	o->v.home = o->home;
	o->v.user = o->user;
	o->v.pwd = o->cwd;
	o->v.tmpdir = secure_getenv("TMPDIR");
}

static int add_var(struct vars_opt *o, const char *s)
{
	if (o->n >= TG_ARRAY_SIZE(o->ov) || !strchr(s, '=')) {
		fprintf(stderr, "policyctl: bad --var '%s': write NAME=VALUE\n",
			s);
		return -EINVAL;
	}
	o->ov[o->n++] = s;
	return 0;
}

static void vars_finish(struct vars_opt *o)
{
	o->v.overrides = o->ov;
	o->v.noverrides = o->n;
	/* --var PWD=... also moves the default cwd for events, HOME=... the
	 * home where git's global configuration is looked for */
	for (size_t i = 0; i < o->n; i++)
		if (!strncmp(o->ov[i], "PWD=", 4))
			snprintf(o->cwd, sizeof(o->cwd), "%s", o->ov[i] + 4);
		else if (!strncmp(o->ov[i], "HOME=", 5))
			snprintf(o->home, sizeof(o->home), "%s", o->ov[i] + 5);
}

/* A finding in a file that several of the policies given include (a
 * shared rules file) is printed once per run, not once per policy. */
static bool printed_before(const struct policy_diag *g)
{
	static char **seen;
	static size_t nseen;
	char key[1400];
	snprintf(key, sizeof(key), "%s:%d:%d:%d:%s", g->file, g->line, g->col,
		 g->warning, g->msg);
	size_t before = nseen;
	return tg_strv_push(&seen, &nseen, key, true) == 0 && nseen == before;
}

static void print_diags(const struct policy_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (!printed_before(&d->v[i]))
			fprintf(stderr, "%s:%d:%d: %s: %s\n", d->v[i].file,
				d->v[i].line, d->v[i].col,
				d->v[i].warning ? "warning" : "error",
				d->v[i].msg);
	if (d->truncated)
		fprintf(stderr, "policyctl: more diagnostics were not shown\n");
}

static struct policy *load_or_report(const char *file, const struct vars_opt *o)
{
	struct policy_diags d = {0};
	struct policy *p = NULL;
	int r = policy_load(file, &o->v, &d, &p);
	print_diags(&d);
	if (r < 0 && d.nerrors == 0)
		fprintf(stderr, "%s:1:1: error: %s\n", file, strerror(-r));
	policy_diags_free(&d);
	return r < 0 ? NULL : p;
}

/* An option of one offline command besides --var: a flag, or one that
 * takes a value. */
struct cmd_opt {
	const char *name;
	char short_name;
	bool *flag;	    /* set by a flag */
	const char **value; /* set to the option's value */
};

/* Reads --var and the command's own options (opts ends with a NULL name)
 * into o, and checks that FILE arguments follow when files_needed names
 * the command. 0, or the exit status (2: usage). */
static int offline_opts(int argc, char **argv, const struct cmd_opt *opts,
			const char *files_needed, struct vars_opt *o)
{
	struct option lo[8] = {{"var", required_argument, 0, 'v'}};
	char so[16] = "+v:";
	size_t n = 1, sl = 3;
	for (const struct cmd_opt *c = opts; c->name && n + 1 < 8; c++, n++) {
		lo[n] = (struct option){
		    c->name, c->value ? required_argument : no_argument, 0,
		    c->short_name};
		so[sl++] = c->short_name;
		if (c->value)
			so[sl++] = ':';
	}
	vars_init(o);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == 'v') {
			if (add_var(o, optarg) < 0)
				return 2;
			continue;
		}
		const struct cmd_opt *m = opts;
		while (m->name && m->short_name != c)
			m++;
		if (!m->name || c == '?')
			return 2;
		if (m->flag)
			*m->flag = true;
		else
			*m->value = optarg;
	}
	vars_finish(o);
	if (files_needed && optind >= argc) {
		fprintf(stderr, "policyctl %s: name at least one policy file\n",
			files_needed);
		return 2;
	}
	return 0;
}

/* The --always grants beside policy file: listed (check), or reported
 * with FILE:LINE:COL when the overlay is corrupt (the policy itself is
 * still good: policyd ignores such an overlay). 0, or 1 when corrupt. */
static int check_grants(const char *file, bool quiet)
{
	char path[TG_PATH_MAX];
	struct policy_grants gs = {0};
	struct yerror e = {0};
	if (policy_grants_path(file, path, sizeof(path)) < 0)
		return 0;
	int r = policy_grants_load(path, &gs, &e);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		fprintf(stderr,
			"%s:%d:%d: error: %s (policyd ignores these grants: "
			"their prompts ask again)\n",
			path, e.line, e.col, r == -EINVAL ? e.msg : strerror(-r));
		return 1;
	}
	if (!quiet) {
		printf("%s: %zu grant%s (policyctl approve --always), each "
		       "answering prompts of its rule:\n",
		       path, gs.n, gs.n == 1 ? "" : "s");
		for (size_t i = 0; i < gs.n; i++) {
			char what[1200];
			policy_grant_describe(&gs.v[i], what, sizeof(what));
			printf("  %s:%d %-10s %s (by %s, %s)\n", path,
			       gs.v[i].line, gs.v[i].id, what,
			       gs.v[i].by ? gs.v[i].by : "?",
			       gs.v[i].made ? gs.v[i].made : "?");
		}
	}
	policy_grants_free(&gs);
	return 0;
}

/* explain: the --always grant that would answer the prompt d of event
 * ev without asking (execs, git and opens; policyd matches connects by
 * the destination it writes, which explain does not know). */
static void explain_grant(const char *file, const struct policy_event *ev,
			  const struct policy_decision *d)
{
	char path[TG_PATH_MAX];
	struct policy_grants gs = {0};
	struct yerror e = {0};
	if (d->action != POLICY_PROMPT ||
	    policy_grants_path(file, path, sizeof(path)) < 0)
		return;
	int r = policy_grants_load(path, &gs, &e);
	if (r == -EINVAL)
		printf("  grants: %s:%d:%d: %s (ignored)\n", path, e.line,
		       e.col, e.msg);
	if (r < 0)
		return;
	static const char *const kinds[] = {"exec", "git", "open"};
	const struct policy_grant *g = NULL;
	for (size_t k = 0; k < TG_ARRAY_SIZE(kinds) && !g; k++) {
		bool ex = ev->kind == POLICY_EV_EXEC;
		if (ex != (k < 2))
			continue;
		struct policy_grant_call c = {.rule = d->rule_id,
					      .kind = kinds[k],
					      .target = ev->path,
					      .argv = ex ? ev->argv : NULL,
					      .argc = ex ? ev->argc : 0,
					      .access = ex ? 0 : ev->access};
		g = policy_grants_find(&gs, &c);
	}
	if (g) {
		char what[1200];
		policy_grant_describe(g, what, sizeof(what));
		printf("  grant: %s (%s:%d) approves this without asking: %s "
		       "(by %s, %s)\n",
		       g->id, path, g->line, what, g->by ? g->by : "?",
		       g->made ? g->made : "?");
	} else if (gs.n) {
		printf("  grants: none of the %zu in %s covers this\n", gs.n,
		       path);
	}
	policy_grants_free(&gs);
}

static int cmd_check(int argc, char **argv)
{
	struct vars_opt o;
	bool quiet = false;
	const struct cmd_opt opts[] = {{"quiet", 'q', &quiet, NULL}, {0}};
	int err = offline_opts(argc, argv, opts, "check", &o);
	if (err)
		return err;
	int rc = 0;
	struct ctl_enforce host = {0};
	for (int i = optind; i < argc; i++) {
		struct policy_diags d = {0};
		struct policy *p = NULL;
		int r = policy_load(argv[i], &o.v, &d, &p);
		print_diags(&d);
		/* warnings: the exit status stays what the policy's is */
		unsigned nw = r >= 0 ? ctl_enforce_warn(p, &host) : 0;
		if (r < 0) {
			if (d.nerrors == 0)
				fprintf(stderr, "%s:1:1: error: %s\n", argv[i],
					strerror(-r));
			fprintf(stderr, "%s: %zu error%s\n", argv[i],
				d.nerrors ? d.nerrors : 1,
				d.nerrors == 1 ? "" : "s");
			rc = 1;
		} else if (!quiet) {
			printf("%s: ok (%zu rules, %zu tests%s)\n", argv[i],
			       policy_rule_count(p), policy_test_count(p),
			       d.nwarnings || nw ? ", with warnings" : "");
		}
		if (r >= 0 && check_grants(argv[i], quiet))
			rc = 1;
		policy_diags_free(&d);
		policy_free(p);
	}
	return rc;
}

/* ------------------------------ explain ----------------------------- */

struct explain_ctx {
	int n;
};

static void explain_cb(const struct policy *p, int rule,
		       enum policy_kind matched, void *ud)
{
	struct explain_ctx *x = ud;
	const char *file;
	int line;
	policy_rule_where(p, rule, &file, &line);
	char where[300];
	snprintf(where, sizeof(where), "%s:%d", file, line);
	printf("  %-36s %-24s %-7s (%s matcher)\n", where,
	       policy_rule_id(p, rule),
	       policy_action_name(policy_rule_action(p, rule)),
	       policy_kind_name(matched));
	x->n++;
}

/* The policy's decision d (x_n rules matched), as explain shows it. */
static void print_tier(enum policy_action a)
{
	int tier = policy_action_tier(a);
	if (tier > 0)
		printf("  tier %d: %s\n", tier,
		       tier == 1   ? "allowed silently"
		       : tier == 2 ? "allowed and audited"
				   : "an operator must approve");
	else
		printf("  refused\n");
}

static void print_decision(const struct policy_decision *d, int x_n,
			   const struct policy *p)
{
	if (d->rule < 0 && x_n > 0) {
		/* an open that reads and writes: a read rule matched, but
		 * the write part is decided on its own */
		printf("decision: %s (settings.default: no rule covers the "
		       "write part; reading and writing are decided "
		       "separately)\n",
		       policy_action_name(d->action));
	} else if (d->rule < 0) {
		printf("decision: %s (settings.default: no rule matched)\n",
		       policy_action_name(d->action));
	} else {
		const char *rf;
		int rl;
		policy_rule_where(p, d->rule, &rf, &rl);
		printf("decision: %s by rule %s (%s:%d)\n",
		       policy_action_name(d->action), d->rule_id, rf, rl);
		if (x_n > 1)
			printf("  why: %s is the strictest action among the %d "
			       "matching rules (deny > prompt > log > allow);\n"
			       "       %s is the first %s rule in file order\n",
			       policy_action_name(d->action), x_n, d->rule_id,
			       policy_action_name(d->action));
		if (d->message)
			printf("  message: %s\n", d->message);
	}
	print_tier(d->action);
}

/*
 * The built-in rule tiergate-self as policyd applies it
 * (common/selfprot.h), for an open event: the set built the same way from
 * the run directories of both modes (explain does not know which policyd
 * runs, nor its --audit), this policyctl's directory of programs, the
 * cgroup mounts and the policy explained. By name, the path as given and
 * resolved; policyd also compares devices and inodes. NULL: not matched.
 */
static const struct selfprot_entry *
explain_self(struct selfprot *sp, const struct policy *p, const char *file,
	     const char *cwd, const struct policy_event *ev, bool *ret_above)
{
	if (ev->kind != POLICY_EV_OPEN || !ev->path)
		return NULL;
	char exe[TG_PATH_MAX], abs[TG_PATH_MAX], real[TG_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash = n > 0 ? (exe[n] = '\0', strrchr(exe, '/')) : NULL;
	if (slash)
		*slash = '\0';
	int r = 0;
	for (int sys = 1; r == 0 && sys >= 0; sys--) {
		struct rundir rd;
		rundir_get(sys, false, &rd);
		r = selfprot_add_tiergate(sp, rd.dir, rd.audit, AUDIT_KEEP,
					  slash && slash != exe ? exe : NULL);
	}
	const char *const *files;
	size_t nf;
	policy_sources(p, &files, &nf);
	if (r == 0 && tg_path_normalize(cwd, file, abs, sizeof(abs)) == 0)
		r = selfprot_add_policy(sp, abs, files, nf);
	if (r == 0)
		(void)selfprot_add_cgroups(sp, "/proc/self/mounts");
	const struct selfprot_entry *e =
	    selfprot_match(sp, ev->path, ev->access, ret_above);
	if (!e && realpath(ev->path, real))
		e = selfprot_match(sp, real, ev->access, ret_above);
	return e;
}

static int cmd_explain(int argc, char **argv)
{
	struct vars_opt o;
	const char *cwd_opt = NULL;
	const struct cmd_opt opts[] = {{"cwd", 'C', NULL, &cwd_opt}, {0}};
	int err = offline_opts(argc, argv, opts, NULL, &o);
	if (err)
		return err;
	if (optind >= argc) {
		fprintf(stderr, "policyctl explain: usage: explain FILE -- "
				"exec|open|connect|git ...\n");
		return 2;
	}
	const char *file = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc) {
		fprintf(stderr, "policyctl explain: give an event after --, "
				"e.g. -- exec git push origin main\n");
		return 2;
	}
	char cwd[TG_PATH_MAX];
	snprintf(cwd, sizeof(cwd), "%s", cwd_opt ? cwd_opt : o.cwd);
	struct cli_event ce;
	int r =
	    cli_event_parse(&ce, argc - optind, argv + optind, cwd, o.v.home);
	if (r < 0)
		return 2;
	struct policy *p = load_or_report(file, &o);
	if (!p) {
		cli_event_free(&ce);
		return 1;
	}
	cli_event_describe(&ce, stdout);
	/* decided first: the matching rules listed are those of the git
	 * reading that decided */
	struct policy_decision d;
	cli_event_decide(p, &ce, &d);
	struct explain_ctx x = {0};
	printf("matching rules (file order):\n");
	policy_match_all(p, &ce.ev, explain_cb, &x);
	if (x.n == 0)
		printf("  (none)\n");
	bool above = false;
	struct selfprot sp;
	selfprot_init(&sp);
	const struct selfprot_entry *self =
	    explain_self(&sp, p, file, o.cwd, &ce.ev, &above);
	if (self) {
		printf("decision: deny by built-in rule tiergate-self (no "
		       "policy can override it)\n  message: %s\n  refused\n",
		       selfprot_message(self, above));
	} else if (d.rule < 0 && ce.has_git && ce.ev.kind == POLICY_EV_EXEC) {
		printf("decision: %s (settings.default: no git rule covers "
		       "this git command; an exec of git is decided by the "
		       "exec and the git rules together, the strictest "
		       "wins)\n",
		       policy_action_name(d.action));
		print_tier(d.action);
	} else {
		/* d: cli_event_decide's, as policyd decides (exec and git
		 * rules together for git) */
		print_decision(&d, x.n, p);
		explain_grant(file, &ce.ev, &d);
	}
	selfprot_free(&sp);
	policy_free(p);
	cli_event_free(&ce);
	return 0;
}

/* ------------------------------- test ------------------------------- */

static int cmd_test(int argc, char **argv)
{
	struct vars_opt o;
	bool verbose = false;
	const struct cmd_opt opts[] = {{"verbose", 'V', &verbose, NULL}, {0}};
	int err = offline_opts(argc, argv, opts, "test", &o);
	if (err)
		return err;
	size_t passed = 0, failed = 0;
	bool load_failed = false;
	for (int i = optind; i < argc; i++) {
		struct policy *p = load_or_report(argv[i], &o);
		if (!p) {
			load_failed = true;
			continue;
		}
		if (policy_test_count(p) == 0)
			fprintf(stderr, "%s: no tests: section\n", argv[i]);
		for (size_t k = 0; k < policy_test_count(p); k++) {
			const struct policy_test *t = policy_test_get(p, k);
			struct cli_event ce;
			char label[512];
			if (cli_event_from_test(&ce, t, o.cwd, o.v.home) < 0) {
				fprintf(stderr,
					"%s:%d: FAIL: cannot build the event\n",
					t->file, t->line);
				failed++;
				continue;
			}
			cli_event_label(&ce, label, sizeof(label));
			struct policy_decision d;
			cli_event_decide(p, &ce, &d);
			bool ok = d.action == t->expect &&
				  (!t->expect_rule ||
				   !strcmp(t->expect_rule, d.rule_id));
			if (ok) {
				passed++;
				if (verbose)
					printf(
					    "%s:%d: ok   %s -> %s (rule %s)\n",
					    t->file, t->line, label,
					    policy_action_name(d.action),
					    d.rule_id);
			} else {
				failed++;
				printf("%s:%d: FAIL %s%s%s: expected %s%s%s, "
				       "got %s by rule %s\n",
				       t->file, t->line, t->name ? t->name : "",
				       t->name ? ": " : "", label,
				       policy_action_name(t->expect),
				       t->expect_rule ? " by rule " : "",
				       t->expect_rule ? t->expect_rule : "",
				       policy_action_name(d.action), d.rule_id);
			}
			cli_event_free(&ce);
		}
		policy_free(p);
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	if (load_failed)
		return 1;
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "explain"))
		return cmd_explain(argc - 1, argv + 1);
	if (!strcmp(cmd, "test"))
		return cmd_test(argc - 1, argv + 1);
	int r = cli_online(cmd, argc - 1, argv + 1);
	if (r != -ENOSYS)
		return r;
	fprintf(stderr, "policyctl: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
