/* SPDX-License-Identifier: MIT */
/*
 * The decision path (decide.c, decide_exec.c, outcome.c, session.c's
 * attribution) for callers that are fake processes (fakeproc.h: their cwd,
 * descriptors, parents, command lines are a fake /proc) acting on a real
 * workspace, under a real policy: what is decided, on which names, with
 * which rule, message and audit line. Tables of cases where the cases are
 * data.
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
#include "daemon.h"
#include "decide.h"
#include "fakeproc.h"
#include "procfs.h"
#include "session.h"
#include "tmpdir.h"
#include "util.h"
#include "workspace.h"

TG_TEST_TMPDIR(top, "/tmp/tg-decide-XXXXXX")

static char PROC[1100];
static struct session *sess;

/* above any pid_max (PID_MAX_LIMIT is 4194304): no real process */
#define SHELL_PID 4194400 /* agent-shell: the session's root */
#define MID_PID 4194401
#define CALLER_PID 4194402
#define STRAY_PID 4194410 /* in no session */
#define ORPHAN_PID 4194411 /* its ppid MID_PID, which started after it */

static int setup(void **state)
{
	static const char *const dirs[] = {"out", "protected", "ask", "bin"};
	if (top_make(state) < 0 || ws_make(top, dirs, TG_ARRAY_SIZE(dirs)) < 0)
		return -1;
	snprintf(PROC, sizeof(PROC), "%s/proc", WS_TOP);
	if (ws_put("protected/key", "secret\n", 0600) < 0 ||
	    ws_put("bin/run.sh", "#!/bin/sh\nexit 0\n", 0700) < 0 ||
	    ws_put("bin/tru.sh", "#! /bin/true  -x \n", 0700) < 0)
		return -1;
	char p[2048];
	snprintf(p, sizeof(p), "%s/out/link", WS);
	if (symlink("../protected/key", p) < 0)
		return -1;
	static const char cmd[] = "fake\0arg";
	char out[2048];
	snprintf(out, sizeof(out), "%s/out", WS);
	struct fake_proc procs[] = {
	    {.pid = SHELL_PID, .ppid = 1, .start = 100, .cwd = WS, .root = "/"},
	    {.pid = MID_PID,
	     .ppid = SHELL_PID,
	     .start = 101,
	     .cwd = WS,
	     .root = "/"},
	    {.pid = CALLER_PID,
	     .ppid = MID_PID,
	     .start = 102,
	     .cwd = WS,
	     .root = "/",
	     .exe = "/usr/bin/fakeexe",
	     .cmdline = cmd,
	     .cmdline_len = sizeof(cmd)},
	    {.pid = STRAY_PID, .ppid = 1, .start = 103, .cwd = WS, .root = "/"},
	    {.pid = ORPHAN_PID,
	     .ppid = MID_PID,
	     .start = 50,
	     .cwd = WS,
	     .root = "/"},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(procs); i++)
		if (fake_proc(PROC, &procs[i]) < 0)
			return -1;
	fake_fd(PROC, CALLER_PID, 5, out);
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
	return 0;
}

static int teardown(void **state)
{
	session_end(sess, "test over");
	ws_drop();
	procfs_set_root(NULL);
	return top_remove(state);
}

/* The caller, attributed to its session as policyd does it (its
 * ancestry in the fake /proc reaches the session's root). */
static struct caller caller(void)
{
	struct caller c = {.pid = CALLER_PID,
			   .start = 102,
			   .ppid = MID_PID,
			   .uid = getuid(),
			   .same_root = -1};
	c.s = session_of_pid(c.pid);
	return c;
}

/* A request of kind about path (NULL: none), as the decoder leaves it. */
static struct req *req_new(uint32_t kind, const char *path)
{
	static struct req q;
	memset(&q, 0, sizeof(q));
	q.kind = kind;
	q.dirfd = q.dirfd2 = AT_FDCWD;
	if (path) {
		snprintf(q.path, sizeof(q.path), "%s", path);
		q.has_path = true;
	}
	return &q;
}

/* A connect request to addr (text) port/tcp, naming host (NULL: none). */
static struct req *req_connect(const char *addr, uint32_t port,
			       const char *host)
{
	struct req *q = req_new(TGPK_CONNECT, NULL);
	struct tg_addr a;
	assert_int_equal(tg_addr_parse(addr, &a), 0);
	memcpy(q->addr, a.b, 16);
	q->has_addr = true;
	q->port = port;
	q->proto = POLICY_PROTO_TCP;
	if (host)
		snprintf(q->host, sizeof(q->host), "%s", host);
	return q;
}

/* "%W" in a pattern stands for the workspace. */
static const char *expand(const char *pat, char *buf, size_t sz)
{
	if (!pat)
		return NULL;
	size_t o = 0;
	for (const char *p = pat; *p && o + 1 < sz; p++) {
		if (p[0] == '%' && p[1] == 'W') {
			o += (size_t)snprintf(buf + o, sz - o, "%s", WS);
			p++;
		} else {
			buf[o++] = *p;
		}
	}
	buf[o < sz ? o : sz - 1] = '\0';
	return buf;
}

static void has(const char *hay, const char *fmt, const char *val)
{
	char want[4200];
	snprintf(want, sizeof(want), fmt, val);
	if (!strstr(hay, want))
		fail_msg("'%s' not in: %s", want, hay);
}

/* One decided case: the decision, its rule, target, message (a prefix),
 * detail (a prefix) and, when it is audited, its audit line. */
struct expect {
	enum decision decision;
	const char *rule, *target, *msg, *detail;
	bool audited;
};

static void check(const char *what, struct caller *c, const struct req *q,
		  const struct expect *e)
{
	struct outcome *o = malloc(sizeof(*o));
	char buf[8192];
	size_t before = ws_audit_lines();
	uint64_t n0 = sess->n_decisions, r0 = sess->n_refused;
	assert_int_equal(decide(c, q, o, tg_mono_ns()), 0);
	if (o->decision != e->decision || strcmp(o->d.rule_id, e->rule))
		fail_msg("%s: %s (rule %s), not %s (rule %s)", what,
			 decision_name(o->decision), o->d.rule_id,
			 decision_name(e->decision), e->rule);
	if (e->target)
		assert_string_equal(o->target,
				    expand(e->target, buf, sizeof(buf)));
	if (e->msg && strncmp(o->msg, e->msg, strlen(e->msg)))
		fail_msg("%s: message '%s'", what, o->msg);
	if (e->detail && (expand(e->detail, buf, sizeof(buf)),
			  strncmp(o->detail, buf, strlen(buf))))
		fail_msg("%s: detail '%s'", what, o->detail);
	assert_int_equal(sess->n_decisions, n0 + 1);
	assert_int_equal(sess->n_refused,
			 r0 + (e->decision == DECISION_REFUSED));
	assert_int_equal(ws_audit_lines(), before + e->audited);
	if (e->audited) {
		const char *l = ws_last_audit();
		has(l, "\"rule\":\"%s\"", e->rule);
		has(l, "\"decision\":\"%s\"", decision_name(e->decision));
		has(l, "\"kind\":\"%s\"", o->kind);
		has(l, "\"target\":\"%s\"", o->target);
	}
	free(o);
}

#define REFUSED DECISION_REFUSED
#define ALLOWED DECISION_ALLOWED

static void test_attribution(void **state)
{
	(void)state;
	struct caller c = caller();
	assert_ptr_equal(c.s, sess);
	assert_ptr_equal(session_of_pid(MID_PID), sess);
	assert_ptr_equal(session_of_pid(SHELL_PID), sess);
	assert_null(session_of_pid(STRAY_PID));
	assert_null(session_of_pid(4194499)); /* no such process */
	/* a process whose parent died, its pid taken by a process that
	 * started later (in a session or not): not attributed through it */
	assert_null(session_of_pid(ORPHAN_PID));
	assert_ptr_equal(session_find(sess->id), sess);
	char want[2048];
	snprintf(want, sizeof(want), "%s", WS);
	assert_string_equal(sess->pwd, want);
}

/* A process 600 parents below a session's: still the session's (a walk
 * cut short at 512 left it in none, free to open a session of its own) */
static void test_deep_chain(void **state)
{
	(void)state;
	const pid_t base = 4194600;
	for (pid_t i = 0; i < 600; i++) {
		struct fake_proc fp = {.pid = base + i,
				       .ppid = i ? base + i - 1 : MID_PID,
				       .start = 102 + (unsigned long long)i,
				       .cwd = WS,
				       .root = "/"};
		assert_int_equal(fake_proc(PROC, &fp), 0);
	}
	assert_ptr_equal(session_of_pid(base + 599), sess);
}

struct open_case {
	const char *path;
	int dirfd;
	unsigned access;
	const char *path2; /* a rename's second name */
	bool nofollow;
	struct expect e;
};

static void test_open(void **state)
{
	(void)state;
	const unsigned R = POLICY_ACC_READ, WR = POLICY_ACC_WRITE,
		       CR = POLICY_ACC_CREATE, DL = POLICY_ACC_DELETE;
	static const char ro[] = "protected/ is read-only for agents";
	/* clang-format off */
	const struct open_case cases[] = {
	    {"out/new", AT_FDCWD, WR | CR, NULL, false, {ALLOWED, "out-files", "%W/out/new", "", "access write,create", false}},
	    {"protected/key", AT_FDCWD, WR, NULL, false, {REFUSED, "protected", "%W/protected/key", ro, "access write", true}},
	    {"protected/key", AT_FDCWD, R, NULL, false, {ALLOWED, "read-all", "%W/protected/key", NULL, NULL, false}},
	    /* a write through a symlink is decided on what it reaches */
	    {"out/link", AT_FDCWD, WR, NULL, false, {REFUSED, "protected", "%W/out/link (-> %W/protected/key)", ro, NULL, true}},
	    /* ... and a name made or removed is the name itself */
	    {"out/link", AT_FDCWD, DL, NULL, false, {ALLOWED, "out-files", "%W/out/link", NULL, NULL, false}},
	    {"out/link", AT_FDCWD, WR, NULL, true, {ALLOWED, "out-files", "%W/out/link", NULL, NULL, false}},
	    /* relative to a descriptor (fd 5: out/) */
	    {"x", 5, WR, NULL, false, {ALLOWED, "out-files", "%W/out/x", NULL, NULL, false}},
	    {"x", 9, WR, NULL, false, {REFUSED, "unresolvable", "x", "policyd could not resolve the target (No such file", "No such file or directory", true}},
	    /* the caller's /proc/self/mem: never, whatever the policy */
	    {"/proc/self/mem", AT_FDCWD, WR, NULL, false, {REFUSED, "proc-mem", "/proc/4194402/mem", "writing a process's memory is never allowed", NULL, true}},
	    {"ask/x", AT_FDCWD, WR, NULL, false, {REFUSED, "ask-first", "%W/ask/x", "approval required: ask first", NULL, true}},
	    {"/etc/passwd", AT_FDCWD, WR, NULL, false, {REFUSED, "default", "/etc/passwd", "no rule allows this (policy default)", NULL, true}},
	    /* a rename: both names, the strictest decision */
	    {"out/a", AT_FDCWD, DL, "out/b", false, {ALLOWED, "out-files", "%W/out/a -> %W/out/b", NULL, NULL, false}},
	    {"out/a", AT_FDCWD, DL, "protected/b", false, {REFUSED, "protected", "%W/out/a -> %W/protected/b", ro, NULL, true}},
	    {"protected/key", AT_FDCWD, DL, "out/b", false, {REFUSED, "protected", "%W/protected/key -> %W/out/b", ro, NULL, true}},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++) {
		struct caller c = caller();
		const struct open_case *k = &cases[i];
		struct req *q = req_new(TGPK_OPEN, k->path);
		q->dirfd = k->dirfd;
		q->access = k->access;
		q->nofollow = k->nofollow;
		if (k->path2) {
			snprintf(q->path2, sizeof(q->path2), "%s", k->path2);
			q->has_path2 = true;
		}
		char what[64];
		snprintf(what, sizeof(what), "open case %zu", i);
		check(what, &c, q, &k->e);
	}
	/* the audit line speaks of the caller as the kernel sees it */
	const char *l = ws_last_audit();
	char num[32];
	snprintf(num, sizeof(num), "%u", (unsigned)getuid());
	has(l, "\"pid\":%s,\"ppid\":4194401", "4194402");
	has(l, "\"uid\":%s", num);
	has(l, "\"exe\":\"%s\"", "/usr/bin/fakeexe");
	has(l, "\"argv\":[%s]", "\"fake\",\"arg\"");
	has(l, "\"cwd\":\"%s\"", WS);
	has(l, "\"session\":\"%s\"", sess->id);
	has(l, "\"tier\":0,\"action\":\"%s\"", "deny");
}

struct exec_case {
	const char *path;
	const char *argv[5];
	struct expect e;
};

static void test_exec(void **state)
{
	(void)state;
	/* clang-format off */
	const struct exec_case cases[] = {
	    {"/usr/bin/true", {"true"}, {REFUSED, "no-true", "/usr/bin/true", "true is not allowed", NULL, true}},
	    /* the literal name and the resolved one: /bin is a link here */
	    {"/bin/true", {"true"}, {REFUSED, "no-true", "/usr/bin/true", NULL, NULL, true}},
	    {"/bin/echo", {"echo", "hi"}, {ALLOWED, "log-echo", "/usr/bin/echo", NULL, NULL, true}},
	    /* scripts: the interpreter is decided too */
	    {"bin/run.sh", {"run.sh"}, {ALLOWED, "programs", "%W/bin/run.sh", NULL, "runs /usr/bin/dash", false}},
	    {"bin/tru.sh", {"tru.sh"}, {REFUSED, "no-true", "%W/bin/tru.sh", NULL, "runs /usr/bin/true", true}},
	    /* ld.so runs the program it is given (past its own options) */
	    {"/lib64/ld-linux-x86-64.so.2", {"ld.so", "/bin/true"}, {REFUSED, "no-true", NULL, NULL, "runs /usr/bin/true", true}},
	    {"/lib64/ld-linux-x86-64.so.2", {"ld.so", "--library-path", "/nowhere", "/bin/echo", "x"}, {ALLOWED, "log-echo", NULL, NULL, "runs /usr/bin/echo", true}},
	    /* no such program: nothing to decide on, refused */
	    {"/nonexistent/prog", {"prog"}, {REFUSED, "unresolvable", "/nonexistent/prog", "policyd could not resolve the target (No such file", NULL, true}},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++) {
		struct caller c = caller();
		const struct exec_case *k = &cases[i];
		struct req *q = req_new(TGPK_EXEC, k->path);
		q->argv = (const char **)k->argv;
		while (q->argc < 5 && k->argv[q->argc])
			q->argc++;
		char what[64];
		snprintf(what, sizeof(what), "exec case %zu (%s)", i, k->path);
		check(what, &c, q, &k->e);
		if (k->e.audited)
			/* an exec's audit line has its own argv */
			has(ws_last_audit(), "\"argv\":[\"%s\"", k->argv[0]);
	}
}

/* For a notified caller the exec says what the kernel must have run, for
 * exec_verify: the file it maps (a script's interpreter) and the argv it
 * starts with, as the kernel spells it. */
static void test_exec_expect(void **state)
{
	(void)state;
	struct caller c = caller();
	c.notified = true;
	struct req *q = req_new(TGPK_EXEC, "bin/run.sh");
	q->kname = "bin/run.sh";
	const char *argv[] = {"run.sh", "one"};
	q->argv = argv;
	q->argc = 2;
	struct outcome *o = malloc(sizeof(*o));
	assert_int_equal(decide_call(&c, q, o), 0);
	assert_true(o->exe_known);
	struct stat st;
	assert_int_equal(stat("/usr/bin/dash", &st), 0);
	assert_int_equal(o->exe_ino, st.st_ino);
	static const char want[] = "/bin/sh\0bin/run.sh";
	assert_int_equal(o->kprefix_len, sizeof(want));
	assert_memory_equal(o->kprefix, want, sizeof(want));
	/* an allow that holds only for this argv (rule log-echo) */
	q = req_new(TGPK_EXEC, "/bin/echo");
	const char *eargv[] = {"echo", "x"};
	q->argv = eargv;
	q->argc = 2;
	assert_int_equal(decide_call(&c, q, o), 0);
	assert_true(o->argv_dep);
	assert_true(o->exe_known);
	assert_int_equal(o->kprefix_len, 5);
	assert_string_equal(o->kprefix, "echo");
	/* an interposer's request says none of it */
	c.notified = false;
	assert_int_equal(decide_call(&c, q, o), 0);
	assert_false(o->argv_dep);
	assert_false(o->exe_known);
	free(o);
}

struct connect_case {
	const char *addr; /* 16 bytes as text */
	uint32_t port;
	const char *host;
	struct expect e;
};

static void test_connect(void **state)
{
	(void)state;
	/* clang-format off */
	const struct connect_case cases[] = {
	    {"127.0.0.1", 8080, NULL, {ALLOWED, "loopback", "127.0.0.1:8080/tcp", NULL, NULL, false}},
	    {"127.0.0.1", 22, NULL, {REFUSED, "default", "127.0.0.1:22/tcp", "no rule allows this (policy default)", NULL, true}},
	    {"::1", 8080, NULL, {REFUSED, "default", "[::1]:8080/tcp", NULL, NULL, true}},
	    /* a name no host rule names is shown, never looked up */
	    {"10.0.0.1", 443, "WWW.Other.net", {REFUSED, "default", "10.0.0.1:443/tcp (looked up as www.other.net)", NULL, "no host rule names 'www.other.net'", true}},
	    /* an address as a name is no name */
	    {"127.0.0.1", 8080, "127.0.0.1", {ALLOWED, "loopback", "127.0.0.1:8080/tcp", NULL, NULL, false}},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++) {
		struct caller c = caller();
		const struct connect_case *k = &cases[i];
		struct req *q = req_connect(k->addr, k->port, k->host);
		char what[64];
		snprintf(what, sizeof(what), "connect case %zu", i);
		check(what, &c, q, &k->e);
	}
	/* a name a host rule names waits for policyd's own lookup: nothing
	 * decided, counted or audited yet */
	struct caller c = caller();
	struct req *q = req_connect("192.0.2.7", 443, "api.example.org");
	struct outcome *o = malloc(sizeof(*o));
	uint64_t n0 = sess->n_decisions, l0 = D.n_lookups;
	size_t a0 = ws_audit_lines();
	assert_int_equal(decide(&c, q, o, tg_mono_ns()), -EAGAIN);
	assert_int_equal(decide(&c, q, o, tg_mono_ns()), -EAGAIN);
	assert_int_equal(sess->n_decisions, n0);
	assert_int_equal(D.n_lookups, l0 + 1); /* looked up once */
	assert_int_equal(ws_audit_lines(), a0);
	/* malformed: refused as unresolvable */
	q->port = 70000;
	assert_int_equal(decide(&c, q, o, tg_mono_ns()), 0);
	assert_int_equal(o->decision, DECISION_REFUSED);
	assert_string_equal(o->d.rule_id, "unresolvable");
	free(o);
}

/* A read the interposer found missing (TGPF_ABSENT): only a rule's deny
 * refuses it; anything else is answered without a decision counted, an
 * audit line or an operator asked. The flag changes nothing for a name
 * that is there, nor for anything but a read. */
static void test_absent_read(void **state)
{
	(void)state;
	struct caller c = caller();
	struct outcome *o = malloc(sizeof(*o));
	size_t before = ws_audit_lines();
	uint64_t n0 = sess->n_decisions;
	struct req *q = req_new(TGPK_OPEN, "out/absent");
	q->access = POLICY_ACC_READ;
	q->flags = TGPF_ABSENT;
	assert_int_equal(decide(&c, q, o, tg_mono_ns()), 0);
	assert_int_equal(o->decision, DECISION_ABSENT);
	assert_int_equal(o->d.action, POLICY_ALLOW);
	assert_int_equal(sess->n_decisions, n0);
	assert_int_equal(ws_audit_lines(), before);
	/* there after all: decided as any read */
	q = req_new(TGPK_OPEN, "protected/key");
	q->access = POLICY_ACC_READ;
	q->flags = TGPF_ABSENT;
	assert_int_equal(decide(&c, q, o, tg_mono_ns()), 0);
	assert_int_equal(o->decision, DECISION_ALLOWED);
	assert_string_equal(o->d.rule_id, "read-all");
	assert_int_equal(sess->n_decisions, n0 + 1);
	/* not a read: the flag is ignored (a prompt stays a prompt) */
	q = req_new(TGPK_OPEN, "ask/absent");
	q->access = POLICY_ACC_WRITE | POLICY_ACC_CREATE;
	q->flags = TGPF_ABSENT;
	assert_int_equal(decide(&c, q, o, tg_mono_ns()), 0);
	assert_int_equal(o->decision, DECISION_REFUSED);
	assert_string_equal(o->d.rule_id, "ask-first");
	assert_int_equal(ws_audit_lines(), before + 1);
	free(o);
}

static void test_no_session(void **state)
{
	(void)state;
	struct caller c = {
	    .pid = STRAY_PID, .start = 103, .ppid = 1, .same_root = -1};
	c.s = session_of_pid(c.pid);
	assert_null(c.s);
	struct req *q = req_new(TGPK_OPEN, "out/x");
	q->access = POLICY_ACC_WRITE;
	struct outcome *o = malloc(sizeof(*o));
	size_t a0 = ws_audit_lines();
	assert_int_equal(decide(&c, q, o, tg_mono_ns()), 0);
	assert_int_equal(o->decision, DECISION_REFUSED);
	assert_string_equal(o->d.rule_id, "no-session");
	assert_string_equal(o->target, "out/x");
	assert_non_null(strstr(o->msg, "not in a tiergate session"));
	assert_int_equal(ws_audit_lines(), a0);
	free(o);
}

/* outcome.c's rules for combining the decisions about several objects. */
static void test_combine(void **state)
{
	(void)state;
	struct policy_decision allow3 = {.action = POLICY_ALLOW, .rule = 3},
			       deny7 = {.action = POLICY_DENY, .rule = 7},
			       deny2 = {.action = POLICY_DENY, .rule = 2},
			       def = {.action = POLICY_DENY, .rule = -1},
			       log1 = {.action = POLICY_LOG, .rule = 1};
	struct {
		const struct policy_decision *a, *b;
		int want_rule;
	} cases[] = {
	    {&allow3, &deny7, 7},		       /* the strictest */
	    {&deny7, &allow3, 7}, {&deny7, &deny2, 2}, /* then the earlier */
	    {&def, &deny7, 7},			       /* a rule first */
	    {&deny7, &def, 7},	  {&log1, &allow3, 1},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++) {
		struct policy_decision acc;
		bool have = false;
		outcome_combine(&acc, &have, cases[i].a);
		outcome_combine(&acc, &have, cases[i].b);
		assert_true(have);
		assert_int_equal(acc.rule, cases[i].want_rule);
	}
	/* a name as spelled makes the resolved one stricter, never looser */
	struct policy_decision real = allow3;
	outcome_spelled(&real, &deny7);
	assert_int_equal(real.rule, 7);
	real = deny7;
	outcome_spelled(&real, &allow3);
	assert_int_equal(real.rule, 7);
	real = allow3;
	outcome_spelled(&real, &def); /* the default: no rule of its own */
	assert_int_equal(real.rule, 3);
	/* the decision's words, closed */
	assert_string_equal(decision_name(DECISION_ALLOWED), "allowed");
	assert_string_equal(decision_name(DECISION_REFUSED), "refused");
	assert_string_equal(decision_name(DECISION_ABSENT), "absent");
	assert_string_equal(decision_name(DECISION_MAX), "refused");
	struct outcome *o = calloc(1, sizeof(*o));
	assert_int_equal(o->decision, DECISION_REFUSED); /* zeroed: refused */
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_attribution),
	    cmocka_unit_test(test_deep_chain),
	    cmocka_unit_test(test_open),
	    cmocka_unit_test(test_exec),
	    cmocka_unit_test(test_exec_expect),
	    cmocka_unit_test(test_connect),
	    cmocka_unit_test(test_absent_read),
	    cmocka_unit_test(test_no_session),
	    cmocka_unit_test(test_combine),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
