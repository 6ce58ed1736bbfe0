/* SPDX-License-Identifier: MIT */
/*
 * The interposer's fast-path snapshot (interposer/ip_fastpath.c): a HELLO
 * answer parsed into criteria, and the local decisions they give for reads
 * and execs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "glob.h"
#include "ip_fastpath.h"
#include "tg_proto.h"

#define GIT_DEV 7
#define GIT_INO 4242
#define GIT_SIZE 3456789

struct hello_spec {
	const char *allow[4], *sens[4];
	const char *xallow[4], *xsens[4], *xsens0[4];
	const char *git;
	int fast, xfast, fail; /* -1: field left out */
	uint32_t backstop;
	const char *genfile;
	const char *generation; /* TGPT_GENERATION, NULL: left out */
};

static long hello(uint8_t *buf, size_t cap, const struct hello_spec *s)
{
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, cap, TGP_HELLO_OK, 1);
	if (s->fail >= 0)
		tgp_put_u32(&e, TGPT_FAIL, (uint32_t)s->fail);
	if (s->fast >= 0)
		tgp_put_u32(&e, TGPT_FASTPATH, (uint32_t)s->fast);
	if (s->xfast >= 0)
		tgp_put_u32(&e, TGPT_EXEC_FAST, (uint32_t)s->xfast);
	for (int i = 0; i < 4; i++) {
		if (s->allow[i])
			tgp_put_str(&e, TGPT_ALLOW_GLOB, s->allow[i]);
		if (s->sens[i])
			tgp_put_str(&e, TGPT_SENS_GLOB, s->sens[i]);
		if (s->xallow[i])
			tgp_put_str(&e, TGPT_EXEC_ALLOW, s->xallow[i]);
		if (s->xsens[i])
			tgp_put_str(&e, TGPT_EXEC_SENS, s->xsens[i]);
		if (s->xsens0[i])
			tgp_put_str(&e, TGPT_EXEC_SENS0, s->xsens0[i]);
	}
	if (s->git)
		tgp_put_str(&e, TGPT_GIT_ID, s->git);
	if (s->backstop)
		tgp_put_u32(&e, TGPT_BACKSTOP, s->backstop);
	if (s->genfile)
		tgp_put_str(&e, TGPT_GENFILE, s->genfile);
	if (s->generation)
		tgp_put_str(&e, TGPT_GENERATION, s->generation);
	return tgp_enc_end(&e);
}

static const struct hello_spec base = {
    .allow = {"/ws/**", "/usr/**", "/w*/x"},
    .sens = {"/ws/secret/**", "/ws/**/*.key"},
    .xallow = {"/usr/bin/**", "/ws/tools/**"},
    .xsens = {"/usr/bin/curl"},
    .xsens0 = {"rm", "ssh*"},
    .git = "7:4242:3456789",
    .fast = 1,
    .xfast = 1,
    .fail = 1,
    .backstop = TGPB_EXEC | TGPB_FS,
    .genfile = "/run/tiergate/generation",
};

static struct ip_fastpath *parse(const struct hello_spec *s, int *fail,
				 char *genfile, size_t cap)
{
	static uint8_t buf[16384];
	long n = hello(buf, sizeof(buf), s);
	assert_true(n > 0);
	struct ip_fastpath *fp = NULL;
	assert_int_equal(
	    ip_fastpath_parse(buf, (size_t)n, &fp, fail, genfile, cap), 0);
	assert_non_null(fp);
	return fp;
}

static void test_parse_fields(void **state)
{
	(void)state;
	int fail = 99;
	char genfile[64] = "x";
	struct ip_fastpath *fp = parse(&base, &fail, genfile, sizeof(genfile));
	assert_int_equal(fail, 1);
	assert_string_equal(genfile, "/run/tiergate/generation");
	assert_true(fp->read_ok);
	assert_true(fp->exec_ok);
	assert_int_equal(fp->backstop, TGPB_EXEC | TGPB_FS);
	assert_int_equal(fp->ngit, 1);
	assert_int_equal(fp->git[0].dev, GIT_DEV);
	assert_int_equal(fp->git[0].ino, GIT_INO);
	assert_int_equal(fp->git[0].size, GIT_SIZE);
	assert_int_equal(fp->gen, 0);
	assert_int_equal(fp->made_gen, 0); /* a HELLO answer need not say */
	ip_fastpath_free(fp);

	/* a session's snapshot file says the generation it was made under
	 * (policyd/hello.h); still gen 0 until the caller takes it */
	struct hello_spec sf = base;
	sf.generation = "1765000000123456";
	fp = parse(&sf, &fail, genfile, sizeof(genfile));
	assert_true(fp->made_gen == 1765000000123456ULL);
	assert_int_equal(fp->gen, 0);
	ip_fastpath_free(fp);
	static const char *bad_gens[] = {"not a number", "123abc", "-5", ""};
	for (size_t i = 0; i < sizeof(bad_gens) / sizeof(bad_gens[0]); i++) {
		sf.generation = bad_gens[i];
		fp = parse(&sf, &fail, genfile, sizeof(genfile));
		assert_int_equal(fp->made_gen, 0); /* never taken */
		ip_fastpath_free(fp);
	}

	/* no fail field, no generation file: said so */
	struct hello_spec s = base;
	s.fail = -1;
	s.genfile = NULL;
	fp = parse(&s, &fail, genfile, sizeof(genfile));
	assert_int_equal(fail, -1);
	assert_string_equal(genfile, "");
	ip_fastpath_free(fp);
}

/* What the snapshot allows locally depends on every part of the answer:
 * a glob that does not compile, a git id that cannot be read, or a missing
 * switch turns that half of the fast path off (everything asks policyd). */
static void test_parse_turns_off(void **state)
{
	(void)state;
	int fail;
	char g[8];
	struct hello_spec s = base;
	s.fast = -1;
	struct ip_fastpath *fp = parse(&s, &fail, g, sizeof(g));
	assert_false(fp->read_ok);
	assert_true(fp->exec_ok);
	ip_fastpath_free(fp);

	s = base;
	s.sens[2] = "/ws/[unclosed";
	fp = parse(&s, &fail, g, sizeof(g));
	assert_false(fp->read_ok);
	ip_fastpath_free(fp);

	s = base;
	s.xsens0[2] = "[";
	fp = parse(&s, &fail, g, sizeof(g));
	assert_true(fp->read_ok);
	assert_false(fp->exec_ok);
	ip_fastpath_free(fp);

	/* a git id is three decimal numbers, nothing else */
	static const char *bad_ids[] = {"not-an-id",
					"7:4242",
					"7:4242:",
					"7:4242:12x",
					"7::12",
					"7:4242:-1",
					" 7:4242:12",
					"18446744073709551616:1:1",
					"1:2:9223372036854775808"};
	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		s = base;
		s.git = bad_ids[i];
		fp = parse(&s, &fail, g, sizeof(g));
		if (fp->exec_ok)
			fail_msg("git id '%s' taken", bad_ids[i]);
		ip_fastpath_free(fp);
	}
	s = base;
	s.git = "18446744073709551615:0:9223372036854775807";
	fp = parse(&s, &fail, g, sizeof(g));
	assert_true(fp->exec_ok);
	assert_true(fp->git[0].dev == UINT64_MAX && fp->git[0].ino == 0 &&
		    fp->git[0].size == INT64_MAX);
	ip_fastpath_free(fp);

	s = base;
	s.xfast = 0;
	fp = parse(&s, &fail, g, sizeof(g));
	assert_false(fp->exec_ok);
	ip_fastpath_free(fp);
}

/* Anything but a well-formed HELLO_OK: refused, outputs untouched. */
static void test_parse_rejects(void **state)
{
	(void)state;
	uint8_t buf[4096];
	long n = hello(buf, sizeof(buf), &base);
	struct ip_fastpath *fp = (struct ip_fastpath *)&n; /* a marker */
	int fail = 42;
	char genfile[16] = "keep";
	/* cut short */
	assert_int_equal(ip_fastpath_parse(buf, (size_t)n - 3, &fp, &fail,
					   genfile, sizeof(genfile)),
			 -EPROTO);
	/* another message type */
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_DECISION, 1);
	tgp_put_u32(&e, TGPT_ACTION, 0);
	n = tgp_enc_end(&e);
	assert_int_equal(ip_fastpath_parse(buf, (size_t)n, &fp, &fail, genfile,
					   sizeof(genfile)),
			 -EPROTO);
	/* a singular field twice */
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_HELLO_OK, 1);
	tgp_put_u32(&e, TGPT_FAIL, 1);
	tgp_put_u32(&e, TGPT_FAIL, 0);
	n = tgp_enc_end(&e);
	assert_int_equal(ip_fastpath_parse(buf, (size_t)n, &fp, &fail, genfile,
					   sizeof(genfile)),
			 -EPROTO);
	assert_ptr_equal(fp, (struct ip_fastpath *)&n);
	assert_int_equal(fail, 42);
	assert_string_equal(genfile, "keep");
}

struct read_case {
	const char *path;
	bool silent;
};

static void test_read_silent(void **state)
{
	(void)state;
	int fail;
	char g[8];
	struct ip_fastpath *fp = parse(&base, &fail, g, sizeof(g));
	static const struct read_case cases[] = {
	    {"/ws/src/main.c", true},
	    {"/ws", true}, /* a tree glob matches its root */
	    {"/usr", true},
	    {"/usr/include/stdio.h", true},
	    {"/ws/secret/key", false},	     /* stricter glob */
	    {"/ws/secret", false},	     /* the tree's root too */
	    {"/ws/deep/down/id.key", false}, /* ** in the middle */
	    {"/etc/passwd", false},	     /* no allow glob */
	    {"/wsx/a", false},		     /* another first component */
	    {"/wa/x", true},		     /* a wildcard in it */
	    {"/wa/y", false},
	    {"/", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (ip_fastpath_read_silent(fp, cases[i].path) !=
		    cases[i].silent)
			fail_msg("read of %s: expected %s", cases[i].path,
				 cases[i].silent ? "silent" : "not silent");
	}
	ip_fastpath_free(fp);

	/* read-anywhere (a slash and two stars): any absolute path but the
	 * stricter ones */
	struct hello_spec s = base;
	s.allow[0] = "/**";
	fp = parse(&s, &fail, g, sizeof(g));
	assert_true(ip_fastpath_read_silent(fp, "/etc/passwd"));
	assert_false(ip_fastpath_read_silent(fp, "/ws/secret/key"));
	ip_fastpath_free(fp);

	/* the read half turned off: nothing is silent */
	s = base;
	s.fast = 0;
	fp = parse(&s, &fail, g, sizeof(g));
	assert_false(ip_fastpath_read_silent(fp, "/ws/src/main.c"));
	ip_fastpath_free(fp);
}

struct exec_case {
	const char *argv0, *lex, *real;
	uint64_t dev, ino;
	int64_t size;
	bool silent;
};

static void test_exec_silent(void **state)
{
	(void)state;
	int fail;
	char g[8];
	struct ip_fastpath *fp = parse(&base, &fail, g, sizeof(g));
	static const struct exec_case cases[] = {
	    {"ls", "/usr/bin/ls", "/usr/bin/ls", 1, 10, 1000, true},
	    {"/ws/tools/x", "/ws/tools/x", "/ws/tools/x", 1, 11, 1000, true},
	    /* a stricter path glob, as spelled or as resolved */
	    {"curl", "/usr/bin/curl", "/usr/bin/curl", 1, 12, 1000, false},
	    {"c", "/usr/bin/c", "/usr/bin/curl", 1, 12, 1000, false},
	    {"c", "/usr/bin/curl", "/usr/bin/c", 1, 12, 1000, false},
	    /* argv-only rules: by argv[0] or the program's own names */
	    {"rm", "/usr/bin/ls", "/usr/bin/ls", 1, 10, 1000, false},
	    {"/bin/rm", "/usr/bin/ls", "/usr/bin/ls", 1, 10, 1000, false},
	    {"x", "/usr/bin/rm", "/usr/bin/rm", 1, 13, 1000, false},
	    {"x", "/usr/bin/y", "/usr/bin/ssh-agent", 1, 14, 1000, false},
	    /* git by identity, or by size (a renamed copy) */
	    {"x", "/usr/bin/x", "/usr/bin/x", GIT_DEV, GIT_INO, 1, false},
	    {"x", "/usr/bin/x", "/usr/bin/x", 1, 15, GIT_SIZE, false},
	    {"x", "/usr/bin/x", "/usr/bin/x", GIT_DEV, 16, 1, true},
	    /* both names must be allowed */
	    {"x", "/usr/bin/x", "/opt/x", 1, 17, 1000, false},
	    {"x", "/opt/x", "/usr/bin/x", 1, 17, 1000, false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct exec_case *c = &cases[i];
		struct stat st = {
		    .st_dev = c->dev, .st_ino = c->ino, .st_size = c->size};
		if (ip_fastpath_exec_silent(fp, c->argv0, c->lex, c->real,
					    &st) != c->silent)
			fail_msg("exec %s (%s -> %s): expected %s", c->argv0,
				 c->lex, c->real,
				 c->silent ? "silent" : "not silent");
	}
	ip_fastpath_free(fp);

	/* the exec half turned off */
	struct hello_spec s = base;
	s.xfast = 0;
	fp = parse(&s, &fail, g, sizeof(g));
	struct stat st = {.st_dev = 1, .st_ino = 10, .st_size = 1000};
	assert_false(ip_fastpath_exec_silent(fp, "ls", "/usr/bin/ls",
					     "/usr/bin/ls", &st));
	ip_fastpath_free(fp);
}

/* Does one of pats (path globs, each compiled and tried) match s? */
static bool any_glob(const char *const *pats, size_t n, const char *s)
{
	bool r = false;
	for (size_t i = 0; i < n; i++) {
		struct glob *gl;
		const char *err;
		size_t pos;
		assert_int_equal(
		    glob_compile(pats[i], GLOB_PATH, &gl, &err, &pos), 0);
		r |= glob_match(gl, s);
		glob_free(gl);
	}
	return r;
}

/* The globs are compiled when a check first needs them, and only those
 * whose first path component can match (most processes need few of a
 * session's hundred): the filter gives what trying every glob gives, and
 * a glob another thread is compiling makes the check unsure (not silent,
 * so policyd is asked) instead of waiting. */
static void test_lazy(void **state)
{
	(void)state;
	static const char *allow[] = {"/ws/**",	     "/usr/**", "/w*/x",
				      "/./ws2/**",   "//ws3/a", "/tmp/**",
				      "/etc/passwd", "/ws4",	"/ws5/"};
	static const char *sens[] = {"/ws/secret/**", "/ws/**/*.key",
				     "/root/.ssh/**", "/etc/shadow",
				     "/**/id_rsa",    "/tmp/[ab]/**"};
	static const char *subj[] = {
	    "/ws/a",	   "/ws/secret/k", "/ws/a/b.key",
	    "/usr/lib/x",  "/wz/x",	   "/ws2/q",
	    "/ws3/a",	   "/tmp",	   "/tmp/id_rsa",
	    "/tmp/a/x",	   "/tmp/c/x",	   "/etc/passwd",
	    "/etc/shadow", "/ws4",	   "/ws4/x",
	    "/ws5",	   "/root/.ssh/k", "/",
	    "/ws",	   "/wsx/x",	   "/ws2"};
	uint8_t buf[4096];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_HELLO_OK, 1);
	tgp_put_u32(&e, TGPT_FASTPATH, 1);
	for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
		tgp_put_str(&e, TGPT_ALLOW_GLOB, allow[i]);
	for (size_t i = 0; i < sizeof(sens) / sizeof(sens[0]); i++)
		tgp_put_str(&e, TGPT_SENS_GLOB, sens[i]);
	long n = tgp_enc_end(&e);
	assert_true(n > 0);
	int fail;
	char g[8];
	struct ip_fastpath *fp = NULL;
	assert_int_equal(
	    ip_fastpath_parse(buf, (size_t)n, &fp, &fail, g, sizeof(g)), 0);
	assert_true(fp->read_ok);
	/* nothing compiled yet but the one with a class (it could fail) */
	for (size_t i = 0; i < fp->rs.n; i++)
		assert_int_equal(fp->rs.e[i].state, strchr(fp->rs.e[i].pat, '[')
							? LAZY_READY
							: LAZY_NEW);
	/* a read under /usr compiles what may match there: not /root's */
	assert_true(ip_fastpath_read_silent(fp, "/usr/lib/x"));
	assert_int_equal(fp->rs.e[2].state, LAZY_NEW);	 /* /root/.ssh */
	assert_int_equal(fp->rs.e[0].state, LAZY_NEW);	 /* /ws/secret */
	assert_int_equal(fp->rs.e[4].state, LAZY_READY); /* no filter */
	/* the same answers as every glob compiled and tried */
	for (size_t k = 0; k < sizeof(subj) / sizeof(subj[0]); k++) {
		bool a =
		    any_glob(allow, sizeof(allow) / sizeof(allow[0]), subj[k]);
		bool sn =
		    any_glob(sens, sizeof(sens) / sizeof(sens[0]), subj[k]);
		if (ip_fastpath_read_silent(fp, subj[k]) != (a && !sn))
			fail_msg("read of %s: the filter answers %d, every "
				 "glob %d",
				 subj[k], !(a && !sn), a && !sn);
	}
	ip_fastpath_free(fp);

	/* a glob being compiled (by another thread, or by the code a signal
	 * handler interrupted): unsure for the paths it may match, so not
	 * silent; others are not held up */
	assert_int_equal(
	    ip_fastpath_parse(buf, (size_t)n, &fp, &fail, g, sizeof(g)), 0);
	fp->rs.e[3].state = LAZY_BUSY; /* /etc/shadow */
	assert_false(ip_fastpath_read_silent(fp, "/etc/passwd"));
	assert_true(ip_fastpath_read_silent(fp, "/usr/lib/x"));
	fp->rs.e[3].state = LAZY_NEW;
	assert_true(ip_fastpath_read_silent(fp, "/etc/passwd"));
	assert_false(ip_fastpath_read_silent(fp, "/etc/shadow"));
	ip_fastpath_free(fp);

	/* a parent before its fork compiles the exec globs, all of them, and
	 * no read glob */
	fp = parse(&base, &fail, g, sizeof(g));
	ip_fastpath_prepare_exec(fp);
	const struct ip_globv *xv[] = {&fp->xa, &fp->xs, &fp->x0};
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < xv[k]->n; i++)
			assert_int_equal(xv[k]->e[i].state, LAZY_READY);
	for (size_t i = 0; i < fp->ra.n; i++)
		assert_int_equal(fp->ra.e[i].state, LAZY_NEW);
	struct stat st = {.st_dev = 1, .st_ino = 10, .st_size = 1000};
	assert_true(ip_fastpath_exec_silent(fp, "ls", "/usr/bin/ls",
					    "/usr/bin/ls", &st));
	assert_false(ip_fastpath_exec_silent(fp, "rm", "/usr/bin/ls",
					     "/usr/bin/ls", &st));
	ip_fastpath_free(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_fields),
	    cmocka_unit_test(test_parse_turns_off),
	    cmocka_unit_test(test_parse_rejects),
	    cmocka_unit_test(test_read_silent),
	    cmocka_unit_test(test_exec_silent),
	    cmocka_unit_test(test_lazy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
