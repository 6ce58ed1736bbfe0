/* SPDX-License-Identifier: MIT */
#include "cli_common.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "gitparse.h"
#include "sys.h"

/* What git will do, read as policyd reads it (policyctl's own view,
 * credentials and HOME; no GIT_* environment, as policyd). */
static int attach_git(struct cli_event *ce, const char *home)
{
	struct git_ctx gx = {.root = "", .cwd = ce->cwd, .home = home};
	int r = git_parse_op((const char *const *)ce->argv, ce->argc, &gx,
			     &ce->git);
	if (r < 0)
		return r;
	ce->has_git = true;
	ce->ev.git = &ce->git.ev[0];
	return 0;
}

void cli_event_decide(const struct policy *p, struct cli_event *ce,
		      struct policy_decision *ret)
{
	size_t at = 0;
	if (ce->ev.kind == POLICY_EV_EXEC)
		git_exec_decide(p, &ce->ev, ce->has_git ? &ce->git : NULL, ret,
				&at);
	else if (ce->ev.kind == POLICY_EV_GIT && ce->has_git)
		git_op_decide(p, &ce->ev, &ce->git, ret, &at);
	else
		policy_decide(p, &ce->ev, ret);
	if (ce->has_git)
		ce->ev.git = &ce->git.ev[at];
}

static int setup_exec(struct cli_event *ce, const char *explicit_path,
		      const char *home, bool git_only)
{
	ce->ev.kind = git_only ? POLICY_EV_GIT : POLICY_EV_EXEC;
	ce->ev.argv = (const char *const *)ce->argv;
	ce->ev.argc = ce->argc;
	if (explicit_path) {
		if (tg_path_normalize(ce->cwd, explicit_path, ce->path,
				      sizeof(ce->path)) < 0)
			return -EINVAL;
		ce->exe_found = true;
	} else if (sys_resolve_exe(ce->argv[0], ce->cwd, NULL, ce->path,
				   sizeof(ce->path)) == 0) {
		ce->exe_found = true;
	} else if (ce->argv[0][0] == '/' || strchr(ce->argv[0], '/')) {
		tg_path_normalize(ce->cwd, ce->argv[0], ce->path,
				  sizeof(ce->path));
	} else {
		ce->path[0] = '\0';
	}
	ce->ev.path = ce->path[0] ? ce->path : NULL;
	/* the program's own name counts for argv patterns, as in policyd */
	ce->ev.names = (const char *const *)&ce->ev.path;
	ce->ev.nnames = ce->ev.path ? 1 : 0;
	/* the program by content too, as policyd knows it */
	struct stat st;
	if (ce->exe_found && stat(ce->path, &st) == 0 && S_ISREG(st.st_mode)) {
		ce->prog = (struct progid_file){.path = ce->path, .st = st};
		ce->ev.prog = &ce->prog;
	}
	/* as policyd: git by content or by name */
	bool git = git_only ||
		   (ce->exe_found ? sys_is_git(ce->path) ||
					!strcmp(tg_basename(ce->path), "git")
				  : !strcmp(tg_basename(ce->argv[0]), "git"));
	return git ? attach_git(ce, home) : 0;
}

static int parse_hostport(struct cli_event *ce, const char *s)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s)
		return -EINVAL;
	char host[300];
	size_t hl = (size_t)(colon - s);
	if (hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	uint64_t port;
	if (tg_parse_u64(colon + 1, 65535, &port) < 0)
		return -EINVAL;
	ce->ev.port = (uint16_t)port;
	if (tg_addr_parse(host, &ce->addr) == 0) {
		ce->ev.addr = &ce->addr;
		return 0;
	}
	if (tg_host_normalize(host, ce->host, sizeof(ce->host)) < 0)
		return -EINVAL;
	ce->ev.host = ce->host;
	return 0;
}

/* ce->argv: a copy of n arguments; for a git event "git" first when the
 * arguments do not start with it. */
static int copy_argv(struct cli_event *ce, const char *const *src, size_t n,
		     bool git)
{
	bool prepend = git && (n == 0 || strcmp(src[0], "git") != 0);
	ce->argc = n + (prepend ? 1 : 0);
	ce->argv = calloc(ce->argc + 1, sizeof(char *));
	if (!ce->argv)
		return -ENOMEM;
	size_t k = 0;
	if (prepend)
		ce->argv[k++] = strdup("git");
	for (size_t i = 0; i < n; i++)
		ce->argv[k++] = strdup(src[i]);
	for (size_t i = 0; i < ce->argc; i++)
		if (!ce->argv[i])
			return -ENOMEM;
	return 0;
}

/* "exec CMD..." or "git SUB...": argv[0] is the kind */
static int parse_exec(struct cli_event *ce, int argc, char **argv,
		      const char *home)
{
	bool git = !strcmp(argv[0], "git");
	if (argc < 2) {
		fprintf(stderr, "policyctl: %s needs a command\n", argv[0]);
		return -EINVAL;
	}
	int r = copy_argv(ce, (const char *const *)argv + 1, (size_t)(argc - 1),
			  git);
	return r < 0 ? r : setup_exec(ce, NULL, home, git);
}

/* "read,write,...": the access bits */
static int parse_access(const char *val, unsigned *ret)
{
	unsigned acc = 0;
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", val);
	for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
		unsigned bit;
		if (policy_access_from_name(t, &bit) < 0) {
			fprintf(stderr, "policyctl: unknown access '%s'\n", t);
			return -EINVAL;
		}
		acc |= bit;
	}
	*ret = acc;
	return 0;
}

/* The value of --NAME VALUE or --NAME=VALUE at argv[*i] (advancing *i
 * past a separate value), or NULL when argv[*i] is not that option. */
static const char *opt_value(const char *name, int argc, char **argv, int *i)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (!strncmp(a, name, n) && a[n] == '=')
		return a + n + 1;
	if (!strcmp(a, name) && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* "open PATH [--access A,...]" */
static int parse_open(struct cli_event *ce, int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "policyctl: open needs a path\n");
		return -EINVAL;
	}
	ce->ev.kind = POLICY_EV_OPEN;
	ce->ev.access = POLICY_ACC_READ;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *val = opt_value("--access", argc, argv, &i);
		if (!val) {
			fprintf(stderr,
				"policyctl: unexpected '%s' after open PATH\n",
				a);
			return -EINVAL;
		}
		if (parse_access(val, &ce->ev.access) < 0)
			return -EINVAL;
	}
	if (tg_path_normalize(ce->cwd, argv[1], ce->path, sizeof(ce->path)) <
	    0) {
		fprintf(stderr, "policyctl: bad path '%s'\n", argv[1]);
		return -EINVAL;
	}
	ce->ev.path = ce->path;
	return 0;
}

/* A connect to a Unix socket: "/PATH" (relative to cwd: normalised, not
 * resolved, as open's) or "@NAME" (abstract). 0 or -EINVAL. */
static int unix_event(struct cli_event *ce, const char *s)
{
	ce->ev.kind = POLICY_EV_CONNECT;
	if (s[0] == '@') {
		if (strlen(s) >= sizeof(ce->path))
			return -EINVAL;
		snprintf(ce->path, sizeof(ce->path), "%s", s);
		ce->ev.unix_path = ce->path;
		return 0;
	}
	if (tg_path_normalize(ce->cwd, s, ce->path, sizeof(ce->path)) < 0)
		return -EINVAL;
	ce->ev.unix_path = ce->ev.path = ce->path;
	return 0;
}

/* "connect HOST:PORT [--proto tcp|udp]", "connect /PATH|@NAME" */
static int parse_connect(struct cli_event *ce, int argc, char **argv)
{
	ce->ev.kind = POLICY_EV_CONNECT;
	ce->ev.proto = POLICY_PROTO_TCP;
	if (argc == 2 &&
	    (argv[1][0] == '/' || argv[1][0] == '@' || argv[1][0] == '.')) {
		if (unix_event(ce, argv[1]) == 0)
			return 0;
		fprintf(stderr, "policyctl: bad Unix socket path '%s'\n",
			argv[1]);
		return -EINVAL;
	}
	if (argc < 2 || parse_hostport(ce, argv[1]) < 0) {
		fprintf(stderr, "policyctl: connect needs HOST:PORT "
				"(IPv6 as [::1]:443), or a Unix socket's "
				"/PATH or @NAME\n");
		return -EINVAL;
	}
	for (int i = 2; i < argc; i++) {
		const char *val = opt_value("--proto", argc, argv, &i);
		if (!val || (strcmp(val, "tcp") && strcmp(val, "udp"))) {
			fprintf(stderr,
				"policyctl: connect takes --proto tcp|udp\n");
			return -EINVAL;
		}
		ce->ev.proto =
		    !strcmp(val, "udp") ? POLICY_PROTO_UDP : POLICY_PROTO_TCP;
	}
	return 0;
}

int cli_event_parse(struct cli_event *ce, int argc, char **argv,
		    const char *cwd, const char *home)
{
	memset(ce, 0, sizeof(*ce));
	snprintf(ce->cwd, sizeof(ce->cwd), "%s", cwd);
	ce->ev.cwd = ce->cwd;
	const char *kind = argv[0];
	if (!strcmp(kind, "exec") || !strcmp(kind, "git"))
		return parse_exec(ce, argc, argv, home);
	if (!strcmp(kind, "open"))
		return parse_open(ce, argc, argv);
	if (!strcmp(kind, "connect"))
		return parse_connect(ce, argc, argv);
	fprintf(stderr,
		"policyctl: unknown event kind '%s'; use exec, open, connect "
		"or git\n",
		kind);
	return -EINVAL;
}

int cli_event_from_test(struct cli_event *ce, const struct policy_test *t,
			const char *default_cwd, const char *home)
{
	memset(ce, 0, sizeof(*ce));
	snprintf(ce->cwd, sizeof(ce->cwd), "%s", t->cwd ? t->cwd : default_cwd);
	ce->ev.cwd = ce->cwd;
	switch (t->kind) {
	case POLICY_EV_EXEC:
	case POLICY_EV_GIT: {
		bool git = t->kind == POLICY_EV_GIT;
		int r =
		    copy_argv(ce, (const char *const *)t->argv, t->argc, git);
		if (r < 0)
			return r;
		return setup_exec(
		    ce, t->kind == POLICY_EV_EXEC ? t->path : NULL, home, git);
	}
	case POLICY_EV_OPEN:
		ce->ev.kind = POLICY_EV_OPEN;
		ce->ev.access = t->access;
		if (tg_path_normalize(ce->cwd, t->path, ce->path,
				      sizeof(ce->path)) < 0)
			return -EINVAL;
		ce->ev.path = ce->path;
		return 0;
	case POLICY_EV_CONNECT:
		if (t->unix_path)
			return unix_event(ce, t->unix_path);
		ce->ev.kind = POLICY_EV_CONNECT;
		ce->ev.port = t->port;
		ce->ev.proto = t->proto;
		if (t->host) {
			snprintf(ce->host, sizeof(ce->host), "%s", t->host);
			ce->ev.host = ce->host;
		}
		if (t->has_addr) {
			ce->addr = t->addr;
			ce->ev.addr = &ce->addr;
		}
		return 0;
	default:
		return -EINVAL;
	}
}

static void join_argv(char *const *argv, size_t argc, char *buf, size_t bufsz)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < argc && o + 1 < bufsz; i++) {
		int n =
		    snprintf(buf + o, bufsz - o, "%s%s", i ? " " : "", argv[i]);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

void cli_event_label(const struct cli_event *ce, char *buf, size_t bufsz)
{
	char tmp[400], acc[64], a[64];
	switch (ce->ev.kind) {
	case POLICY_EV_EXEC:
	case POLICY_EV_GIT:
		join_argv(ce->argv, ce->argc, tmp, sizeof(tmp));
		snprintf(buf, bufsz, "%s \"%s\"", policy_kind_name(ce->ev.kind),
			 tmp);
		break;
	case POLICY_EV_OPEN:
		policy_access_format(ce->ev.access, acc, sizeof(acc));
		snprintf(buf, bufsz, "open %s (%s)", ce->path, acc);
		break;
	case POLICY_EV_CONNECT:
		if (ce->ev.unix_path) {
			snprintf(buf, bufsz, "connect unix:%s",
				 ce->ev.unix_path);
			break;
		}
		if (ce->ev.addr)
			tg_addr_format(ce->ev.addr, a, sizeof(a));
		snprintf(buf, bufsz, "connect %s:%u/%s",
			 ce->ev.host   ? ce->ev.host
			 : ce->ev.addr ? a
				       : "?",
			 ce->ev.port, policy_proto_name(ce->ev.proto));
		break;
	default:
		snprintf(buf, bufsz, "?");
	}
}

void cli_event_describe(const struct cli_event *ce, FILE *f)
{
	char label[512];
	cli_event_label(ce, label, sizeof(label));
	fprintf(f, "event: %s\n", label);
	if (ce->ev.kind == POLICY_EV_EXEC || ce->ev.kind == POLICY_EV_GIT) {
		fprintf(
		    f, "  executable: %s%s\n",
		    ce->path[0] ? ce->path : "(not found)",
		    ce->exe_found
			? ""
			: " (not found in PATH: path patterns cannot match)");
		fprintf(f, "  cwd: %s\n", ce->cwd);
	}
	for (size_t i = 0; ce->has_git && i < ce->git.nev; i++) {
		char line[1024];
		git_event_format(&ce->git.ev[i], line, sizeof(line));
		fprintf(f, "  git%s: %s\n",
			ce->git.nev > 1 ? " (one reading)" : "", line);
	}
	if (ce->has_git && ce->git.unsure)
		fprintf(f, "  git: unsure (%s): the worst is assumed\n",
			ce->git.why);
	if (ce->ev.kind == POLICY_EV_CONNECT && ce->ev.host && !ce->ev.addr)
		fprintf(f, "  note: explain does not resolve names; cidr rules "
			   "see no address\n");
}

void cli_event_free(struct cli_event *ce)
{
	if (ce->argv) {
		for (size_t i = 0; i < ce->argc; i++)
			free(ce->argv[i]);
		free(ce->argv);
	}
	if (ce->has_git)
		git_op_free(&ce->git);
	memset(ce, 0, sizeof(*ce));
}
