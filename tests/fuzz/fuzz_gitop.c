/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for git_parse_op end to end: a command line, its
 * environment and the repository files git would read. The input is
 * sections separated by a 0x01 byte:
 *
 *   0  argv, words separated by NUL (argv[0] included: git, git-push...)
 *   1  environment entries "NAME=value", separated by NUL (they come
 *      before HOME=/home and PATH=/bin, so they win)
 *   2  /repo/.git/config          6  /repo/.git/commondir
 *   3  /repo/.git/HEAD            7  /home/.gitconfig
 *   4  /repo/.git/packed-refs     8  /home/inc (an include target)
 *   5  /repo/.git/remotes/origin  9  /repo/.git/refs/heads/main
 *
 * An empty section, or one not in the input, is a file that is not there
 * (HEAD: a fixed "ref: refs/heads/main" instead); an empty commondir or
 * remotes file is not worth the mutations it would cost. The files live in a
 * scratch directory made once per process and given as the caller's root, with
 * /repo the working directory and /main/.git a second repository for commondir
 * to name: every path git_parse_op reads resolves inside it (RESOLVE_IN_ROOT),
 * so an include or GIT_DIR pointing anywhere reads nothing outside. No network,
 * no exec: git_parse_op reads files only. Each op is decided once against a
 * small policy and formatted (FUZZ_GITOP_PRINT=1 in the environment prints the
 * events, to see what an input means).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gitparse.h"
#include "policy.h"
#include "scratch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECTIONS 10
#define ARGS_MAX 64
#define ENV_MAX 32

static bool root_made;
static struct policy *pol;
static const char head[] = "ref: refs/heads/main\n";
static bool verbose; /* FUZZ_GITOP_PRINT set: the events, for triage */

static const char *const files[SECTIONS] = {
    NULL,
    NULL,
    "/repo/.git/config",
    "/repo/.git/HEAD",
    "/repo/.git/packed-refs",
    "/repo/.git/remotes/origin",
    "/repo/.git/commondir",
    "/home/.gitconfig",
    "/home/inc",
    "/repo/.git/refs/heads/main",
};

static void pol_free(void)
{
	policy_free(pol);
}

static void root_make(void)
{
	static const char *const dirs[] = {
	    "/home",
	    "/bin",
	    "/repo",
	    "/repo/.git",
	    "/repo/.git/objects",
	    "/repo/.git/refs",
	    "/repo/.git/refs/heads",
	    "/repo/.git/refs/tags",
	    "/repo/.git/remotes",
	    "/repo/.git/branches",
	    "/main",
	    "/main/.git",
	    "/main/.git/objects",
	    "/main/.git/refs",
	    NULL,
	};
	scratch_make(dirs);
	atexit(pol_free);
	static const char mcfg[] = "[remote \"up\"]\n\turl = /srv/up\n";
	scratch_put("/main/.git/HEAD", head, sizeof(head) - 1);
	scratch_put("/main/.git/config", mcfg, sizeof(mcfg) - 1);
	static const char yaml[] =
	    "version: 1\n"
	    "settings:\n"
	    "  default: allow\n"
	    "rules:\n"
	    "  - id: force-main\n"
	    "    action: deny\n"
	    "    git: {command: push, branch: [main], force: true}\n"
	    "  - id: push-origin\n"
	    "    tier: 3\n"
	    "    git: {command: push, remote: [origin]}\n"
	    "  - id: config-writes\n"
	    "    tier: 3\n"
	    "    git: {command: config}\n";
	static const struct policy_vars vars = {
	    .home = "/home", .user = "f", .pwd = "/repo", .tmpdir = "/tmp"};
	struct policy_diags d = {0};
	if (policy_load_buffer("fuzz.yaml", yaml, sizeof(yaml) - 1, &vars, &d,
			       &pol) < 0)
		abort(); /* the harness's own policy must load */
	policy_diags_free(&d);
	verbose = getenv("FUZZ_GITOP_PRINT") != NULL;
	root_made = true;
}

/* Splits s (len bytes, NUL-terminated at s[len]) on NUL into v. */
static size_t words(char *s, size_t len, const char **v, size_t max)
{
	size_t n = 0;
	for (char *p = s; p <= s + len && n < max; p += strlen(p) + 1)
		if (*p || p < s + len)
			v[n++] = p;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	if (!root_made)
		root_make();
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *sec[SECTIONS] = {0};
	size_t len[SECTIONS] = {0};
	size_t ns = 0;
	for (char *p = buf; ns < SECTIONS;) {
		char *e = memchr(p, '\x01', (size_t)(buf + size - p));
		sec[ns] = p;
		len[ns++] = e ? (size_t)(e - p) : (size_t)(buf + size - p);
		if (!e)
			break;
		*e = '\0';
		p = e + 1;
	}
	for (size_t i = 2; i < SECTIONS; i++) {
		if (len[i])
			scratch_put(files[i], sec[i], len[i]);
		else if (i == 3)
			scratch_put(files[i], head, sizeof(head) - 1);
		else
			scratch_drop(files[i]);
	}
	const char *argv[ARGS_MAX];
	size_t argc = words(sec[0], len[0], argv, ARGS_MAX);
	const char *env[ENV_MAX + 2];
	size_t nenv = sec[1] ? words(sec[1], len[1], env, ENV_MAX) : 0;
	env[nenv++] = "HOME=/home";
	env[nenv++] = "PATH=/bin";
	struct git_ctx ctx = {
	    .root = scratch_root, .cwd = "/repo", .env = env, .nenv = nenv};
	struct git_op op;
	if (argc && git_parse_op(argv, argc, &ctx, &op) == 0) {
		/* GIT_OP_EVENTS_MAX is where pushes collapse their events,
		 * not a bound of nev (a push may add one past it);
		 * gitevs_add's last guard is twice it */
		if (op.nev > GIT_OP_EVENTS_MAX * 2)
			abort();
		char line[1024];
		for (size_t i = 0; i < op.nev; i++) {
			(void)git_event_format(&op.ev[i], line, sizeof(line));
			if (verbose)
				fprintf(stderr, "event %zu: %s\n", i, line);
		}
		if (verbose)
			fprintf(stderr, "command %s unsure %d (%s)\n",
				op.command ? op.command : "-", op.unsure,
				op.why);
		if (pol) {
			struct policy_event ev = {.kind = POLICY_EV_EXEC,
						  .path = "/usr/bin/git",
						  .argv = argv,
						  .argc = argc,
						  .cwd = "/repo"};
			struct policy_decision dec;
			git_exec_decide(pol, &ev, &op, &dec, NULL);
		}
		git_op_free(&op);
	}
	free(buf);
	return 0;
}
