/* SPDX-License-Identifier: MIT */
/*
 * kread.c: the audit record of a read the kernel deny-read layer refused
 * (agent-shell's fanotify listener reports it as TGP_KREFUSED): written
 * only for a report on the session's own agent-shell connection, with the
 * rule the session's policy denies the path by, the reader's pid and the
 * layer named; a report on another connection closes it, unaudited.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "conn.h"
#include "daemon.h"
#include "fakeproc.h"
#include "kread.h"
#include "procfs.h"
#include "session.h"
#include "tmpdir.h"
#include "util.h"
#include "workspace.h"

TG_TEST_TMPDIR(top, "/tmp/tg-kread-XXXXXX")

#define SHELL_PID 4194400 /* agent-shell (no real process: > pid_max) */
#define SHELL_FD 77	  /* its connection, as policyd numbers it */
#define READER_PID 4194402

static char PROC[1100], POL[1200];
static struct session *sess;

static int setup(void **state)
{
	static const char *const dirs[] = {"secret", "out"};
	if (top_make(state) < 0 || ws_make(top, dirs, TG_ARRAY_SIZE(dirs)) < 0)
		return -1;
	snprintf(PROC, sizeof(PROC), "%s/proc", WS_TOP);
	struct fake_proc sh = {
	    .pid = SHELL_PID, .ppid = 1, .start = 100, .cwd = WS, .root = "/"};
	if (fake_proc(PROC, &sh) < 0)
		return -1;
	procfs_set_root(PROC);
	/* a deny-read rule, and a not_path the listener's plan does not
	 * carry (the record must say the policy does not deny that one) */
	snprintf(POL, sizeof(POL), "%s/kread.yaml", WS_TOP);
	FILE *f = fopen(POL, "we");
	if (!f)
		return -1;
	fprintf(f,
		"version: 1\n"
		"settings: {default: allow}\n"
		"rules:\n"
		"  - id: secrets\n"
		"    action: deny\n"
		"    open: {path: [\"%s/secret/**\", \"%s/**/x.pem\"], "
		"not_path: [\"%s/secret/public\"], access: [read]}\n",
		WS, WS, WS);
	fclose(f);
	char err[4096];
	struct session_params sp = {.pid = SHELL_PID,
				    .pidfd = -1,
				    .start = 100,
				    .uid = getuid(),
				    .shell_fd = SHELL_FD,
				    .policy = POL};
	if (session_create(&sp, &sess, err, sizeof(err)) < 0) {
		fprintf(stderr, "session: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	session_end(sess, "test over");
	ws_drop();
	procfs_set_root(NULL);
	return top_remove(state);
}

static struct req *report(const char *rel)
{
	static struct req q;
	memset(&q, 0, sizeof(q));
	snprintf(q.path, sizeof(q.path), "%s/%s", WS, rel);
	q.has_path = true;
	q.pid = READER_PID;
	return &q;
}

static void has(const char *line, const char *want)
{
	if (!strstr(line, want))
		fail_msg("'%s' not in: %s", want, line);
}

static void audited_with_rule(void **state)
{
	(void)state;
	struct conn c = {.fd = SHELL_FD, .caller = {.pid = SHELL_PID, .s = sess}};
	char want[2200];
	size_t n0 = ws_audit_lines();
	assert_int_equal(kread_refused(&c, report("deep/a/x.pem")), 0);
	assert_int_equal(ws_audit_lines(), n0 + 1);
	const char *l = ws_last_audit();
	snprintf(want, sizeof(want), "\"target\":\"%s/deep/a/x.pem\"", WS);
	has(l, want);
	has(l, "\"rule\":\"secrets\"");
	snprintf(want, sizeof(want), "\"pid\":%d,", READER_PID);
	has(l, want);
	has(l, "\"decision\":\"refused\"");
	has(l, "\"kind\":\"open\"");
	has(l, "\"detail\":\"kernel deny-read layer (fanotify)\"");
}

static void not_denied_now_is_said(void **state)
{
	(void)state;
	struct conn c = {.fd = SHELL_FD, .caller = {.pid = SHELL_PID, .s = sess}};
	assert_int_equal(kread_refused(&c, report("secret/public")), 0);
	const char *l = ws_last_audit();
	has(l, "\"rule\":\"deny-read plan\"");
	has(l, "no longer denies it");
}

static void other_connection_refused(void **state)
{
	(void)state;
	/* a process of the session on its own connection: it cannot write
	 * refusals into the audit log */
	struct conn c = {.fd = SHELL_FD + 1,
			 .caller = {.pid = READER_PID, .s = sess}};
	struct conn none = {.fd = SHELL_FD, .caller = {.pid = READER_PID}};
	struct conn rel = {.fd = SHELL_FD, .caller = {.pid = SHELL_PID, .s = sess}};
	size_t n0 = ws_audit_lines();
	assert_int_equal(kread_refused(&c, report("secret/key")), -EBADMSG);
	assert_int_equal(kread_refused(&none, report("secret/key")), -EBADMSG);
	struct req *q = report("x");
	snprintf(q->path, sizeof(q->path), "relative/x.pem");
	assert_int_equal(kread_refused(&rel, q), -EBADMSG);
	q->has_path = false;
	assert_int_equal(kread_refused(&rel, q), -EBADMSG);
	assert_int_equal(ws_audit_lines(), n0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(audited_with_rule),
	    cmocka_unit_test(not_denied_now_is_said),
	    cmocka_unit_test(other_connection_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
