/* SPDX-License-Identifier: MIT */
/*
 * ctl_client: policyctl's daemon commands. status, sessions, reload and
 * kill go to policyd's control socket (ctl_conn.c); log reads the audit
 * log file (ctl_log.c). Sessions are named by id or by name
 * (ctl_sessions.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_common.h"
#include "ctl_conn.h"
#include "ctl_log.h"
#include "ctl_prompts.h"
#include "ctl_sessions.h"
#include "util.h"

void cli_online_usage(FILE *f)
{
	fputs(
	    "\nOperators (talk to a running policyd):\n"
	    "  status [--json]          policy, sessions, which enforcement "
	    "layers are active and why\n"
	    "  sessions [--json|--names] [SESSION]\n"
	    "                           open sessions (all, or one)\n"
	    "  reload                   load every session's policy again (a "
	    "bad policy is rejected,\n"
	    "                           the old one stays in force)\n"
	    "  kill SESSION             kill every process of a session\n"
	    "  log [--session SESSION] [--follow] [--json] [--file FILE]\n"
	    "                           the audit log\n"
	    "  pending [--json]         Tier 3 calls waiting for an operator\n"
	    "  approve ID... [--once|--session|--for DURATION|--always]\n"
	    "          [--preview] [--json] [--like PATTERN]\n"
	    "                           let them run (--session, --for: the "
	    "same call in that\n"
	    "                           session is allowed without asking "
	    "again; --always: in\n"
	    "                           every session, kept in "
	    "NAME.grants.yaml; --like: calls\n"
	    "                           like this one; --preview: show the "
	    "grant only)\n"
	    "  deny ID... [--json] [--reason TEXT]\n"
	    "                           refuse them (the agent sees TEXT)\n"
	    "  grants [--json]          what approvals allow (grant-N, "
	    "always-N)\n"
	    "  revoke GRANT             withdraw a grant\n"
	    "  watch                    prompts as they open and are "
	    "answered (a terminal: answer\n"
	    "                           them inline; otherwise JSON lines)\n"
	    "SESSION is a session's id or its name (agent-shell --session).\n"
	    "Daemon selection: TIERGATE_RUNDIR=DIR, or --user / --system "
	    "before the command\n"
	    "(default: the system daemon if it runs, else your user daemon).\n",
	    f);
}

/* Sends line, prints the answer; exit status 1 when policyd says error. */
static int simple(int mode, const char *line)
{
	_cleanup_free_ char *out = NULL;
	if (ctl_request(mode, line, false, &out) < 0)
		return 1;
	fputs(out, stdout);
	return strncmp(out, "error", 5) ? 0 : 1;
}

static int cmd_reload(int mode)
{
	_cleanup_free_ char *out = NULL;
	if (ctl_request(mode, "reload", false, &out) < 0)
		return 1;
	fputs(out, stdout);
	return strstr(out, " 0 rejected") && strncmp(out, "error", 5) ? 0 : 1;
}

/* The one open session SESSION names: an id first, else a name that only
 * one session has (names need not be unique). Its index, or -1 (said). */
static long resolve(const struct ctl_session_list *l, const char *session)
{
	long found = -1, n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].f[CTL_SF_ID], session))
			return (long)i;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].f[CTL_SF_NAME], session)) {
			found = (long)i;
			n++;
		}
	if (n == 1)
		return found;
	if (n == 0)
		fprintf(stderr,
			"policyctl: no open session '%s' (an id or a name; "
			"policyctl sessions lists them)\n",
			session);
	else
		fprintf(stderr,
			"policyctl: %ld open sessions are named '%s'; give "
			"one's id (policyctl sessions %s)\n",
			n, session, session);
	return -1;
}

static int cmd_kill(int mode, int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "policyctl kill: name a session "
				"(policyctl sessions lists them)\n");
		return 2;
	}
	struct ctl_session_list l;
	if (ctl_session_list(mode, false, &l) < 0)
		return 1;
	long i = resolve(&l, argv[1]);
	int rc = 1;
	if (i >= 0) {
		char line[sizeof(l.v[i].f[CTL_SF_ID]) + 8];
		snprintf(line, sizeof(line), "kill %s", l.v[i].f[CTL_SF_ID]);
		rc = simple(mode, line);
	}
	ctl_session_list_free(&l);
	return rc;
}

int cli_online(const char *cmd, int argc, char **argv)
{
	int mode = -1;
	if (!strcmp(cmd, "--user") || !strcmp(cmd, "--system")) {
		mode = !strcmp(cmd, "--system");
		if (argc < 2) {
			fprintf(stderr, "policyctl: %s needs a command\n", cmd);
			return 2;
		}
		cmd = argv[1];
		argc--;
		argv++;
	}
	if (!strcmp(cmd, "status")) {
		bool json = argc > 1 && !strcmp(argv[1], "--json");
		return simple(mode, json ? "status --json" : "status");
	}
	if (!strcmp(cmd, "sessions"))
		return ctl_sessions_cmd(mode, argc, argv);
	if (!strcmp(cmd, "reload"))
		return cmd_reload(mode);
	if (!strcmp(cmd, "kill"))
		return cmd_kill(mode, argc, argv);
	if (!strcmp(cmd, "log"))
		return ctl_log(mode, argc, argv);
	return ctl_prompts_cmd(mode, argc, argv);
}
