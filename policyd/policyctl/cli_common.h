/* SPDX-License-Identifier: MIT */
/* cli_common: building policy events from command lines and from policy
 * test cases (policyctl explain and test), and the daemon-facing commands
 * of policyctl. */
#ifndef TIERGATE_CLI_COMMON_H
#define TIERGATE_CLI_COMMON_H

#include <stdio.h>

#include "gitparse.h"
#include "policy.h"
#include "progid.h"
#include "util.h"

struct cli_event {
	struct policy_event ev;
	char path[TG_PATH_MAX];
	char cwd[TG_PATH_MAX];
	char **argv;
	size_t argc;
	struct git_op git; /* has_git: what git will do (gitparse.h) */
	bool has_git;
	struct progid_file prog; /* the program, when exe_found */
	bool exe_found;
	struct tg_addr addr;
	char host[256];
};

/* "exec CMD...", "open PATH [--access A]", "connect HOST:PORT [--proto P]",
 * "git SUB ...". Prints its own errors; returns 0 or -EINVAL. */
int cli_event_parse(struct cli_event *ce, int argc, char **argv,
		    const char *cwd, const char *home);
int cli_event_from_test(struct cli_event *ce, const struct policy_test *t,
			const char *default_cwd, const char *home);
void cli_event_describe(const struct cli_event *ce, FILE *f);
void cli_event_label(const struct cli_event *ce, char *buf, size_t bufsz);
void cli_event_free(struct cli_event *ce);
/* ce decided as policyd decides it: an exec of git by the exec and the git
 * rules together (git_exec_decide), a git event by every reading of it
 * (git_op_decide); ce->ev.git is left on the reading that decided. */
void cli_event_decide(const struct policy *p, struct cli_event *ce,
		      struct policy_decision *ret);

/* Daemon commands (status, sessions, ...): returns the exit code, or
 * -ENOSYS when cmd is not one of them. */
int cli_online(const char *cmd, int argc, char **argv);
void cli_online_usage(FILE *f);

#endif
