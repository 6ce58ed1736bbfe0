/* SPDX-License-Identifier: MIT */
/*
 * A policyd for the unit tests of its decision path: a workspace with its
 * directories, the policy below, and the audit log D.audit writes to, under
 * a test's scratch directory (tmpdir.h).
 *
 *   ws_make(top, dirs, ndirs) in the group setup;
 *   ws_put("protected/key", "secret\n"); ws_audit_lines(); ws_last_audit();
 *   ws_drop() in the group teardown.
 */
#ifndef TG_TEST_WORKSPACE_H
#define TG_TEST_WORKSPACE_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "daemon.h"

/* Files: out/ may be written, protected/ not (a message says so), ask/
 * asks. Programs: those under /usr and the workspace's bin/, but true (refused)
 * and echo (logged, by argv). Connects: loopback's unprivileged ports and
 * the hosts of example.org. */
static const char ws_policy[] =
    "version: 1\n"
    "name: unit\n"
    "settings:\n"
    "  default: deny\n"
    "  audit_allow: false\n"
    "  exec_race: refuse\n"
    "rules:\n"
    "  - id: read-all\n"
    "    tier: 1\n"
    "    open: {path: [\"/**\"], access: [read]}\n"
    "  - id: out-files\n"
    "    tier: 1\n"
    "    open: {path: [\"${PWD}/out/**\"], access: [write, create, delete]}\n"
    "  - id: protected\n"
    "    action: deny\n"
    "    message: \"protected/ is read-only for agents\"\n"
    "    open: {path: [\"${PWD}/protected/**\"], access: [write, create, "
    "delete]}\n"
    "  - id: ask-first\n"
    "    tier: 3\n"
    "    message: \"ask first\"\n"
    "    open: {path: [\"${PWD}/ask/**\"], access: [write, create]}\n"
    "  - id: programs\n"
    "    tier: 1\n"
    "    exec: {path: [\"/usr/**\", \"${PWD}/bin/**\"]}\n"
    "  - id: no-true\n"
    "    action: deny\n"
    "    message: \"true is not allowed here\"\n"
    "    exec: {path: [\"/usr/bin/true\"]}\n"
    "  - id: log-echo\n"
    "    tier: 2\n"
    "    exec: {path: [\"/usr/bin/echo\"], argv: [\"echo **\"]}\n"
    "  - id: loopback\n"
    "    tier: 1\n"
    "    connect: {cidr: [\"127.0.0.0/8\"], port: [\"1024-65535\"]}\n"
    "  - id: example\n"
    "    tier: 1\n"
    "    connect: {host: [\"*.example.org\"]}\n";

static char WS[1024];	 /* the workspace (its real path) */
static char WS_TOP[960]; /* the scratch directory (its real path) */
static char WS_AUDIT[1100], WS_POLICY[1100];

/* WS_TOP/w with its directories dirs ("out", ...), WS_TOP/policy.yaml
 * holding ws_policy, the audit log opened as D.audit, D.default_policy
 * set. 0 or -1. */
static inline int ws_make(const char *top, const char *const *dirs,
			  size_t ndirs)
{
	char *rt = realpath(top, NULL);
	if (!rt)
		return -1;
	snprintf(WS_TOP, sizeof(WS_TOP), "%s", rt);
	free(rt);
	snprintf(WS, sizeof(WS), "%s/w", WS_TOP);
	snprintf(WS_AUDIT, sizeof(WS_AUDIT), "%s/audit.jsonl", WS_TOP);
	snprintf(WS_POLICY, sizeof(WS_POLICY), "%s/policy.yaml", WS_TOP);
	mkdir(WS, 0700);
	for (size_t i = 0; i < ndirs; i++) {
		char p[2048];
		snprintf(p, sizeof(p), "%s/%s", WS, dirs[i]);
		mkdir(p, 0700);
	}
	FILE *f = fopen(WS_POLICY, "we");
	if (!f)
		return -1;
	fputs(ws_policy, f);
	fclose(f);
	D.default_policy = WS_POLICY;
	D.genfd = -1;
	return audit_open(WS_AUDIT, 1 << 20, &D.audit) < 0 ? -1 : 0;
}

static inline void ws_drop(void)
{
	audit_close(D.audit);
	D.audit = NULL;
}

/* WS/rel holding text (mode for a new file). 0 or -1. */
static inline int ws_put(const char *rel, const char *text, mode_t mode)
{
	char p[2048];
	snprintf(p, sizeof(p), "%s/%s", WS, rel);
	int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static inline size_t ws_audit_lines(void)
{
	FILE *f = fopen(WS_AUDIT, "re");
	size_t n = 0;
	int ch;
	while (f && (ch = fgetc(f)) != EOF)
		n += ch == '\n';
	if (f)
		fclose(f);
	return n;
}

/* The audit log's last line, or "". */
static inline const char *ws_last_audit(void)
{
	static char line[16384];
	char buf[sizeof(line)];
	FILE *f = fopen(WS_AUDIT, "re");
	line[0] = '\0';
	while (f && fgets(buf, sizeof(buf), f))
		memcpy(line, buf, sizeof(buf));
	if (f)
		fclose(f);
	return line;
}

#endif
