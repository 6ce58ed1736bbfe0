/* SPDX-License-Identifier: MIT */
/*
 * Prompts waiting for operators (pending.c), through the agent socket's
 * decision (decide_waiting) for a fake caller of a real session: a prompt
 * waits until it is answered, identical requests share it, an answer
 * reaches every waiter once, grants allow the same call again and expire,
 * timeouts take on_timeout, the per-session cap refuses, waiters that go
 * away withdraw, and each step is audited.
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
#include <unistd.h>

#include "audit.h"
#include "daemon.h"
#include "decide.h"
#include "fakeproc.h"
#include "pending.h"
#include "pending_grants.h"
#include "procfs.h"
#include "session.h"
#include "tmpdir.h"
#include "util.h"
#include "workspace.h"

TG_TEST_TMPDIR(top, "/tmp/tg-pending-XXXXXX")

static char PROC[1100];
static struct session *sess;

#define SHELL_PID 4194500
#define CALLER_PID 4194501

/* ask/ asks, 300 ms at most, two open prompts per session */
static const char policy[] = "version: 1\n"
			     "settings:\n"
			     "  default: deny\n"
			     "  prompt_timeout: 300ms\n"
			     "  on_timeout: deny\n"
			     "  max_pending_prompts: 2\n"
			     "rules:\n"
			     "  - id: ask-first\n"
			     "    tier: 3\n"
			     "    message: \"ask first\"\n"
			     "    open: {path: [\"${PWD}/ask/**\"], access: "
			     "[write, create]}\n";

static int setup(void **state)
{
	static const char *const dirs[] = {"ask"};
	if (top_make(state) < 0 || ws_make(top, dirs, TG_ARRAY_SIZE(dirs)) < 0)
		return -1;
	FILE *f = fopen(WS_POLICY, "we");
	if (!f)
		return -1;
	fputs(policy, f);
	fclose(f);
	snprintf(PROC, sizeof(PROC), "%s/proc", WS_TOP);
	static const char cmd[] = "agent\0run";
	struct fake_proc procs[] = {
	    {.pid = SHELL_PID, .ppid = 1, .start = 100, .cwd = WS, .root = "/"},
	    {.pid = CALLER_PID,
	     .ppid = SHELL_PID,
	     .start = 101,
	     .cwd = WS,
	     .root = "/",
	     .exe = "/usr/bin/agent",
	     .cmdline = cmd,
	     .cmdline_len = sizeof(cmd)},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(procs); i++)
		if (fake_proc(PROC, &procs[i]) < 0)
			return -1;
	procfs_set_root(PROC);
	char err[4096];
	struct session_params sp = {.pid = SHELL_PID,
				    .pidfd = -1,
				    .start = 100,
				    .uid = getuid(),
				    .shell_fd = -1,
				    .policy = WS_POLICY};
	if (session_create(&sp, &sess, err, sizeof(err)) < 0) {
		fprintf(stderr, "session: %s\n", err);
		return -1;
	}
	pending_enable(true);
	return 0;
}

static int teardown(void **state)
{
	pending_reset();
	session_end(sess, "test over");
	ws_drop();
	procfs_set_root(NULL);
	return top_remove(state);
}

static int each_reset(void **state)
{
	(void)state;
	pending_reset();
	pending_enable(true);
	return 0;
}

static struct caller caller(void)
{
	struct caller c = {.pid = CALLER_PID,
			   .start = 101,
			   .ppid = SHELL_PID,
			   .uid = getuid(),
			   .same_root = -1};
	c.s = session_of_pid(c.pid);
	return c;
}

/* A write-open of WS/ask/name. */
static struct req *req_ask(const char *name)
{
	static struct req q;
	memset(&q, 0, sizeof(q));
	q.kind = TGPK_OPEN;
	q.dirfd = q.dirfd2 = AT_FDCWD;
	snprintf(q.path, sizeof(q.path), "%s/ask/%s", WS, name);
	q.has_path = true;
	q.access = POLICY_ACC_WRITE | POLICY_ACC_CREATE;
	return &q;
}

/* Asks about ask/name as waiter owner: 0 (o decided) or -EAGAIN. */
static int ask(const char *name, const void *owner, struct outcome *o)
{
	struct caller c = caller();
	assert_non_null(c.s);
	return decide_waiting(&c, req_ask(name), o, tg_mono_ns(), owner, 0);
}

static void first_info(const struct pending_info *i, void *arg)
{
	struct pending_info *out = arg;
	if (!out->id)
		*out = *i;
}

static uint32_t first_id(void)
{
	struct pending_info i = {0};
	pending_each(first_info, &i);
	return i.id;
}

static int owner_a, owner_b, owner_c;

static void test_disabled_refuses_at_once(void **state)
{
	(void)state;
	pending_enable(false);
	struct outcome *o = malloc(sizeof(*o));
	assert_int_equal(ask("x", &owner_a, o), 0);
	assert_int_equal(o->decision, DECISION_REFUSED);
	assert_string_equal(o->msg, "approval required: ask first");
	assert_int_equal(pending_count(), 0);
	free(o);
}

static void test_wait_then_approve(void **state)
{
	(void)state;
	struct outcome *o = malloc(sizeof(*o));
	size_t lines = ws_audit_lines();
	assert_int_equal(ask("x", &owner_a, o), -EAGAIN);
	assert_int_equal(pending_count(), 1);
	assert_non_null(strstr(ws_last_audit(), "\"decision\":\"opened\""));
	assert_non_null(strstr(ws_last_audit(), "\"rule\":\"ask-first\""));
	struct pending_info i = {0};
	pending_each(first_info, &i);
	assert_string_equal(i.rule, "ask-first");
	assert_string_equal(i.message, "ask first");
	assert_int_equal(i.pid, CALLER_PID);
	assert_non_null(strstr(i.shown, "/ask/x"));
	assert_true(i.deadline_us > i.opened_us);
	/* handed in again before an answer: still waiting, no new prompt */
	assert_int_equal(ask("x", &owner_a, o), -EAGAIN);
	assert_int_equal(pending_count(), 1);
	assert_false(pending_tick());
	assert_int_equal(pending_answer(i.id, true, PENDING_ONCE, 0, 0, NULL),
			 0);
	assert_int_equal(pending_answer(i.id, false, PENDING_ONCE, 0, 0, NULL),
			 -EALREADY);
	assert_true(pending_tick()); /* the loop hands the waiters in */
	assert_int_equal(ask("x", &owner_a, o), 0);
	assert_int_equal(o->decision, DECISION_ALLOWED);
	assert_non_null(strstr(o->detail, "approved"));
	assert_int_equal(pending_count(), 0);
	/* opened, approved, and the call's own line */
	assert_int_equal(ws_audit_lines(), lines + 3);
	assert_non_null(strstr(ws_last_audit(), "\"decision\":\"allowed\""));
	/* --once: the next identical call asks again */
	assert_int_equal(ask("x", &owner_a, o), -EAGAIN);
	assert_int_not_equal(first_id(), i.id);
	free(o);
}

static void test_shared_prompt_denied(void **state)
{
	(void)state;
	struct outcome *o = malloc(sizeof(*o));
	assert_int_equal(ask("y", &owner_a, o), -EAGAIN);
	assert_int_equal(ask("y", &owner_b, o), -EAGAIN);
	assert_int_equal(pending_count(), 1); /* one prompt, two waiters */
	struct pending_info i = {0};
	pending_each(first_info, &i);
	assert_int_equal(i.waiters, 2);
	assert_int_equal(pending_answer(i.id, false, PENDING_ONCE, 0, 0,
				       "not today, token=abc123"),
			 0);
	assert_non_null(strstr(ws_last_audit(), "\"decision\":\"denied\""));
	assert_non_null(strstr(ws_last_audit(), "not today"));
	/* the audit record is redacted (the agent is told the reason whole) */
	assert_non_null(strstr(ws_last_audit(), "token=***"));
	assert_null(strstr(ws_last_audit(), "abc123"));
	for (int k = 0; k < 2; k++) {
		assert_int_equal(ask("y", k ? &owner_b : &owner_a, o), 0);
		assert_int_equal(o->decision, DECISION_REFUSED);
		assert_non_null(strstr(o->msg, "not today"));
		assert_string_equal(o->d.rule_id, "ask-first");
	}
	assert_int_equal(pending_answer(i.id, true, PENDING_ONCE, 0, 0, NULL),
			 -ENOENT); /* gone once both collected it */
	free(o);
}

static void test_grants(void **state)
{
	(void)state;
	struct outcome *o = malloc(sizeof(*o));
	assert_int_equal(ask("g", &owner_a, o), -EAGAIN);
	assert_int_equal(
	    pending_answer(first_id(), true, PENDING_SESSION, 0, 0, NULL), 0);
	assert_int_equal(ask("g", &owner_a, o), 0);
	assert_int_equal(o->decision, DECISION_ALLOWED);
	/* another caller, the same call: allowed by the grant, no prompt */
	assert_int_equal(ask("g", &owner_b, o), 0);
	assert_int_equal(o->decision, DECISION_ALLOWED);
	assert_string_equal(o->d.rule_id, "grant-1");
	assert_non_null(strstr(ws_last_audit(), "\"rule\":\"grant-1\""));
	/* another call still asks */
	assert_int_equal(ask("other", &owner_c, o), -EAGAIN);
	pending_forget_owner(&owner_c);
	/* revoked: asks again */
	assert_int_equal(pending_revoke(1, 0), 0);
	assert_int_equal(pending_revoke(1, 0), -ENOENT);
	assert_int_equal(ask("g", &owner_b, o), -EAGAIN);
	pending_forget_owner(&owner_b);
	/* --for: until the time is up, exactly */
	assert_int_equal(ask("f", &owner_a, o), -EAGAIN);
	assert_int_equal(pending_answer(first_id(), true, PENDING_FOR,
					tg_now_us() + 150000, 0, NULL),
			 0);
	assert_int_equal(ask("f", &owner_a, o), 0);
	assert_int_equal(ask("f", &owner_b, o), 0);
	assert_int_equal(o->decision, DECISION_ALLOWED);
	usleep(200000);
	assert_int_equal(ask("f", &owner_b, o), -EAGAIN);
	pending_forget_owner(&owner_b);
	/* the session's end drops its grants */
	assert_int_equal(ask("s", &owner_a, o), -EAGAIN);
	assert_int_equal(
	    pending_answer(first_id(), true, PENDING_SESSION, 0, 0, NULL), 0);
	assert_int_equal(ask("s", &owner_a, o), 0);
	pending_session_end(sess);
	assert_int_equal(ask("s", &owner_a, o), -EAGAIN);
	free(o);
}

static void test_timeout(void **state)
{
	(void)state;
	struct outcome *o = malloc(sizeof(*o));
	assert_int_equal(ask("t", &owner_a, o), -EAGAIN);
	assert_false(pending_tick());
	usleep(350000);
	assert_true(pending_tick());
	assert_non_null(strstr(ws_last_audit(), "\"decision\":\"timed out\""));
	assert_int_equal(ask("t", &owner_a, o), 0);
	assert_int_equal(o->decision, DECISION_REFUSED);
	assert_non_null(strstr(o->msg, "prompt_timeout"));
	assert_int_equal(pending_count(), 0);
	free(o);
}

static void test_cap_per_session(void **state)
{
	(void)state;
	struct outcome *o = malloc(sizeof(*o));
	assert_int_equal(ask("c1", &owner_a, o), -EAGAIN);
	assert_int_equal(ask("c2", &owner_b, o), -EAGAIN);
	/* a third distinct prompt: over max_pending_prompts, refused */
	assert_int_equal(ask("c3", &owner_c, o), 0);
	assert_int_equal(o->decision, DECISION_REFUSED);
	assert_non_null(strstr(o->msg, "max_pending_prompts"));
	/* joining an open one is not a new prompt */
	assert_int_equal(ask("c1", &owner_c, o), -EAGAIN);
	assert_int_equal(pending_count(), 2);
	free(o);
}

static void test_withdrawn(void **state)
{
	(void)state;
	struct outcome *o = malloc(sizeof(*o));
	assert_int_equal(ask("w", &owner_a, o), -EAGAIN);
	assert_int_equal(ask("w", &owner_b, o), -EAGAIN);
	pending_forget_owner(&owner_a);
	assert_int_equal(pending_count(), 1); /* b still waits */
	pending_forget_waiter(&owner_b, 0);
	assert_int_equal(pending_count(), 0);
	assert_non_null(strstr(ws_last_audit(), "\"decision\":\"withdrawn\""));
	/* a waiter that asks about another call gives the old one up */
	assert_int_equal(ask("w1", &owner_a, o), -EAGAIN);
	assert_int_equal(ask("w2", &owner_a, o), -EAGAIN);
	assert_int_equal(pending_count(), 1);
	struct pending_info i = {0};
	pending_each(first_info, &i);
	assert_non_null(strstr(i.shown, "/ask/w2"));
	/* ... or whose call is decided otherwise now (a reload in between):
	 * here a write outside ask/, refused by the default */
	struct caller c = caller();
	struct req *q = req_ask("w2");
	snprintf(q->path, sizeof(q->path), "%s/elsewhere", WS);
	assert_int_equal(decide_waiting(&c, q, o, tg_mono_ns(), &owner_a, 0),
			 0);
	assert_int_equal(o->decision, DECISION_REFUSED);
	assert_int_equal(pending_count(), 0);
	free(o);
}

static void test_events(void **state)
{
	(void)state;
	struct outcome *o = malloc(sizeof(*o));
	uint64_t last = pending_event_last();
	assert_int_equal(ask("e", &owner_a, o), -EAGAIN);
	assert_int_equal(
	    pending_answer(first_id(), false, PENDING_ONCE, 0, 0, "no"), 0);
	assert_int_equal(pending_event_last(), last + 2);
	assert_int_equal(pending_event(last + 1)->state, PENDING_WAITING);
	assert_int_equal(pending_event(last + 2)->state, PENDING_DENIED);
	assert_string_equal(pending_event(last + 2)->reason, "no");
	assert_null(pending_event(last + 3));
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_disabled_refuses_at_once, each_reset),
	    cmocka_unit_test_setup(test_wait_then_approve, each_reset),
	    cmocka_unit_test_setup(test_shared_prompt_denied, each_reset),
	    cmocka_unit_test_setup(test_grants, each_reset),
	    cmocka_unit_test_setup(test_timeout, each_reset),
	    cmocka_unit_test_setup(test_cap_per_session, each_reset),
	    cmocka_unit_test_setup(test_withdrawn, each_reset),
	    cmocka_unit_test_setup(test_events, each_reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
