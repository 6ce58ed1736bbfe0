/* SPDX-License-Identifier: MIT */
/* cli_common: building policy events from command lines and from policy
 * test cases (policyctl explain and test), and the daemon-facing commands
 * of policyctl. */
#ifndef TIERGATE_CLI_COMMON_H
#define TIERGATE_CLI_COMMON_H

#include <stdio.h>

#include "policy.h"
#include "util.h"

struct cli_event {
	struct policy_event ev;
	char path[TG_PATH_MAX];
	char cwd[TG_PATH_MAX];
	char **argv;
	size_t argc;
	struct git_event git;
	bool has_git;
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

/* Daemon commands (status, sessions, ...): returns the exit code, or
 * -ENOSYS when cmd is not one of them. */
int cli_online(const char *cmd, int argc, char **argv);
void cli_online_usage(FILE *f);

#endif
