/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"

static bool m(const char *pat, enum glob_mode mode, const char *s)
{
	struct glob *g = NULL;
	const char *err = NULL;
	size_t pos = 0;
	int r = glob_compile(pat, mode, &g, &err, &pos);
	if (r < 0)
		fail_msg("pattern '%s' did not compile: %s", pat, err);
	bool res = glob_match(g, s);
	glob_free(g);
	return res;
}

#define P(pat, s) m(pat, GLOB_PATH, s)
#define T(pat, s) m(pat, GLOB_TOKEN, s)
#define N(pat, s) m(pat, GLOB_NAME, s)

static void test_literal(void **state)
{
	(void)state;
	assert_true(P("/usr/bin/make", "/usr/bin/make"));
	assert_false(P("/usr/bin/make", "/usr/bin/make2"));
	assert_false(P("/usr/bin/make", "/usr/bin/mak"));
	/* normalisation of the pattern: //, /./, trailing / */
	assert_true(P("/usr//bin/./make/", "/usr/bin/make"));
}

static void test_star(void **state)
{
	(void)state;
	assert_true(P("/usr/bin/gcc*", "/usr/bin/gcc"));
	assert_true(P("/usr/bin/gcc*", "/usr/bin/gcc-12"));
	assert_false(P("/usr/bin/gcc*", "/usr/bin/gcc/x"));
	assert_true(P("/a/*/c", "/a/b/c"));
	assert_false(P("/a/*/c", "/a/b/x/c"));
	assert_true(P("/a/*.txt", "/a/.hidden.txt"));
	assert_true(P("*x*y*z", "axbyz"));
	assert_false(P("/a*a*a*a*a*b",
		       "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void test_globstar(void **state)
{
	(void)state;
	assert_true(P("/home/u/**", "/home/u"));
	assert_true(P("/home/u/**", "/home/u/x"));
	assert_true(P("/home/u/**", "/home/u/x/y/z"));
	assert_false(P("/home/u/**", "/home/user"));
	assert_true(P("/a/**/b", "/a/b"));
	assert_true(P("/a/**/b", "/a/x/b"));
	assert_true(P("/a/**/b", "/a/x/y/b"));
	assert_false(P("/a/**/b", "/a/xb"));
	assert_false(P("/a/**/b", "/a/x/yb"));
	assert_true(P("**/.env", "/srv/app/.env"));
	assert_true(P("**/.env", "/.env"));
	assert_false(P("**/.env", "/srv/app/x.env"));
	assert_true(P("**/.git/hooks/**", "/w/.git/hooks/pre-commit"));
	assert_true(P("/**", "/anything/at/all"));
	assert_true(P("**", "/x"));
	assert_true(P("/a/**b", "/a/x/yb"));
	assert_true(P("/a/***", "/a/b/c"));
}

static void test_qmark_class(void **state)
{
	(void)state;
	assert_true(P("/a/?", "/a/b"));
	assert_false(P("/a/?", "/a/"));
	assert_false(P("/a?b", "/a/b"));
	assert_true(P("/x/[abc].c", "/x/b.c"));
	assert_false(P("/x/[abc].c", "/x/d.c"));
	assert_true(P("/x/[a-z][0-9]", "/x/q7"));
	assert_false(P("/x/[!a-z]", "/x/q"));
	assert_true(P("/x/[^a-z]", "/x/Q"));
	assert_true(P("/x/[]]", "/x/]"));
	assert_false(P("/a[/]b", "/a/b"));
	assert_true(T("a[/]b", "a/b"));
}

static void test_escape(void **state)
{
	(void)state;
	assert_true(P("/a/\\*", "/a/*"));
	assert_false(P("/a/\\*", "/a/b"));
	assert_true(P("/a/\\[x\\]", "/a/[x]"));
	assert_true(P("/a/b\\?", "/a/b?"));
	struct strbuf b = {0};
	glob_escape(&b, "/home/we*ird[1]?");
	assert_true(P(b.s, "/home/we*ird[1]?"));
	assert_false(P(b.s, "/home/weXird1x"));
	strbuf_free(&b);
}

static void test_token_and_name(void **state)
{
	(void)state;
	assert_true(T("*", "https://x/y"));
	assert_true(T("--force*", "--force-with-lease=main"));
	assert_true(N("release/*", "release/1.0"));
	assert_false(N("release/*", "release/1.0/hotfix"));
	assert_true(N("release/**", "release/1.0/hotfix"));
	assert_true(
	    N("https://github.com/acme/*", "https://github.com/acme/repo"));
	assert_false(
	    N("https://github.com/acme/*", "https://github.com/other/repo"));
	/* in name mode a leading slash-double-star needs the slash */
	assert_false(N("/**", "origin"));
	assert_true(N("/**", "/srv/x.git"));
}

static void test_errors(void **state)
{
	(void)state;
	struct glob *g = NULL;
	const char *err = NULL;
	size_t pos = 0;
	assert_int_equal(glob_compile("/a/[bc", GLOB_PATH, &g, &err, &pos),
			 -EINVAL);
	assert_non_null(strstr(err, "unterminated"));
	assert_int_equal(glob_compile("/a/b\\", GLOB_PATH, &g, &err, &pos),
			 -EINVAL);
	assert_non_null(strstr(err, "backslash"));
	assert_int_equal(glob_compile("/a/../b", GLOB_PATH, &g, &err, &pos),
			 -EINVAL);
	assert_int_equal(glob_compile("", GLOB_PATH, &g, &err, &pos), -EINVAL);
	assert_int_equal(glob_compile("/x/[z-a]", GLOB_PATH, &g, &err, &pos),
			 -EINVAL);
	char big[GLOB_MAX_LEN + 10];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(glob_compile(big, GLOB_PATH, &g, &err, &pos), -EINVAL);
	/* ".." inside a name is fine */
	assert_int_equal(glob_compile("/a/..b", GLOB_PATH, &g, &err, &pos), 0);
	glob_free(g);
}

static void test_kinds(void **state)
{
	(void)state;
	struct glob *g;
	const char *err;
	size_t pos;
	assert_int_equal(glob_compile("/a/b", GLOB_PATH, &g, &err, &pos), 0);
	assert_true(glob_is_literal(g));
	assert_string_equal(glob_prefix(g), "/a/b");
	glob_free(g);
	assert_int_equal(glob_compile("/a/b/**", GLOB_PATH, &g, &err, &pos), 0);
	assert_true(glob_is_tree(g));
	assert_string_equal(glob_prefix(g), "/a/b");
	glob_free(g);
	assert_int_equal(glob_compile("/a/x*y", GLOB_PATH, &g, &err, &pos), 0);
	assert_false(glob_is_literal(g));
	assert_string_equal(glob_prefix(g), "/a/x");
	glob_free(g);
	assert_int_equal(glob_compile("/**", GLOB_PATH, &g, &err, &pos), 0);
	assert_true(glob_matches_all(g));
	glob_free(g);
}

/* A long pattern (many NFA states, several words) still matches right. */
static void test_long_pattern(void **state)
{
	(void)state;
	char pat[400], s[400];
	size_t o = 0, k = 0;
	for (int i = 0; i < 60; i++) {
		pat[o++] = '/';
		pat[o++] = '*';
		s[k++] = '/';
		s[k++] = (char)('a' + i % 26);
	}
	pat[o] = s[k] = '\0';
	assert_true(P(pat, s));
	s[k - 2] = 'Z';
	s[k - 1] = '\0';
	assert_false(P(pat, s));
}

/* fn(pat compiled in mode, s) */
static bool with(bool (*fn)(const struct glob *, const char *),
		 enum glob_mode mode, const char *pat, const char *s)
{
	struct glob *g = NULL;
	const char *err = NULL;
	size_t pos = 0;
	if (glob_compile(pat, mode, &g, &err, &pos) < 0)
		fail_msg("pattern '%s' did not compile: %s", pat, err);
	bool res = fn(g, s);
	glob_free(g);
	return res;
}

static bool below(const char *pat, const char *dir)
{
	return with(glob_match_below, GLOB_PATH, pat, dir);
}

static bool by_name(const char *pat, const char *dir)
{
	return with(glob_below_by_name, GLOB_PATH, pat, dir);
}

/* Could a pattern match a directory or something below it (renames). */
static void test_match_below(void **state)
{
	(void)state;
	assert_true(below("**/.git/hooks/**", "/w/.gitx"));
	assert_true(below("**/.git/hooks/**", "/w/.git"));
	assert_true(below("/w/.git/hooks/**", "/w/.git"));
	assert_true(below("/w/.git/hooks/**", "/w"));
	assert_true(below("/w/.git/hooks/**", "/w/.git/hooks/x"));
	assert_false(below("/w/.git/hooks/**", "/w/.gitx"));
	assert_false(below("/w/.git/hooks/**", "/w/.gi"));
	assert_true(below("/w/*/hooks/*", "/w/x"));
	assert_false(below("/w/*/hooks/*", "/w/x/y"));
	assert_true(below("/w/a", "/w"));
	assert_false(below("/w/a", "/w/b"));
	assert_false(below("/w/a", "/wa"));
	assert_true(below("/run/docker.sock", "/run"));
	assert_true(below("/**", "/anything"));
	assert_true(below("/tmp/ssh-*/agent.*", "/tmp/ssh-x"));
	assert_true(below("/tmp/ssh-*/agent.*", "/tmp"));
	assert_false(below("/tmp/ssh-*/agent.*", "/tmp/other"));
}

/* Would a symlink named dir bring what it points to under the pattern
 * (symlinks made, renamed or linked: decide_alias)? */
static void test_below_by_name(void **state)
{
	(void)state;
	/* a component the pattern spells: .git, and .github */
	assert_true(by_name("**/.git/hooks/**", "/w/r/.git"));
	assert_true(by_name("**/.github/workflows/**", "/w/.github"));
	assert_true(by_name("**/.github/workflows/**", "/w/.github/workflows"));
	assert_true(by_name("**/.gi*/hooks/**", "/w/.git"));
	/* any other name: what is below it is below its target alike */
	assert_false(by_name("**/.git/hooks/**", "/w/r/.gitx"));
	assert_false(by_name("**/.git/hooks/**", "/w/r/src"));
	/* inside what the pattern matches (the name's own decision is the
	 * rule's, but for its not_path) */
	assert_true(by_name("**/.git/hooks/**", "/w/r/.git/hooks/x"));
	assert_false(by_name("**", "/w/r"));
	assert_false(by_name("**/*.pem", "/w/keys"));
	/* anchored where dir is: the place matters */
	assert_true(by_name("/w/**/x", "/w/a"));
	assert_true(by_name("/w/*/hooks/*", "/w/x"));
	assert_false(by_name("/w/*/hooks/*", "/v/x"));
	/* a literal or a tree rooted strictly below dir */
	assert_true(by_name("/h/.ssh/config", "/h/.ssh"));
	assert_true(by_name("/h/.ssh/config", "/h"));
	assert_true(by_name("/h/.config/git/**", "/h/.config"));
	assert_false(by_name("/h/.config/git/**", "/h/.config/git"));
	assert_false(by_name("/h/.config/git/**", "/h/.config/git/sub"));
	assert_false(by_name("/h/.config/git/**", "/h/.cache"));
	assert_false(by_name("/h/.ssh/config", "/h/.sshx"));
}

/* A name known by its start (git config: every key of a section). */
static void test_match_prefix(void **state)
{
	(void)state;
#define PRE(pat, s) with(glob_match_prefix, GLOB_TOKEN, pat, s)
#define EVERY(pat, s) with(glob_match_every_suffix, GLOB_TOKEN, pat, s)
	assert_true(PRE("core.hookspath", "core."));
	assert_true(PRE("core.hookspath", "core.hookspath"));
	assert_false(PRE("core.hookspath", "foo."));
	assert_false(PRE("core.hookspath", "core.hookspath."));
	assert_true(PRE("credential.*", "credential."));
	assert_true(PRE("credential.*", "credential.https://x."));
	assert_false(PRE("credential.*", "credentials."));
	assert_true(PRE("includeif.*.path", "includeif.gitdir:/x."));
	assert_true(PRE("includeif.*.path", "includeif."));
	assert_false(PRE("includeif.*.path", "include."));
	assert_true(PRE("*", "anything."));
	assert_true(PRE("c[o]re.x", "core."));
	assert_false(PRE("c[!o]re.x", "core."));
	/* every name with that start */
	assert_true(EVERY("*", "core."));
	assert_true(EVERY("core.*", "core."));
	assert_true(EVERY("core.**", "core."));
	assert_true(EVERY("co*", "core."));
	assert_true(EVERY("core.*", "core.x."));
	assert_false(EVERY("core.*", "cor"));
	assert_false(EVERY("core.hookspath", "core."));
	assert_false(EVERY("core.*x", "core."));
	assert_false(EVERY("user.*", "core."));
#undef PRE
#undef EVERY
}

/* glob_compile_in: a glob in the caller's memory, exactly what
 * glob_compile_size says (malloc'd to that size, so that ASan sees a byte
 * past it), matching as glob_compile's; too little room or a misaligned
 * block refused; glob_free leaves it alone. */
static void test_compile_in(void **state)
{
	(void)state;
	static const struct {
		const char *pat;
		enum glob_mode mode;
	} pats[] = {
	    {"/usr/bin/make", GLOB_PATH},
	    {"/usr//bin/./make/", GLOB_PATH},
	    {"/tmp/**", GLOB_PATH},
	    {"/**", GLOB_PATH},
	    {"/root/.ssh/**/id_*", GLOB_PATH},
	    {"/a/[a-c][!x][\\]]/?*.[ch]", GLOB_PATH},
	    {"[a][b][c][d][e][f][g][h][i][j][k][l]", GLOB_TOKEN},
	    {"python*-m", GLOB_TOKEN},
	    {"\\*x\\?", GLOB_NAME},
	    {"**", GLOB_TOKEN},
	};
	static const char *subj[] = {"/usr/bin/make",
				     "/tmp",
				     "/tmp/x/y",
				     "/root/.ssh/k/id_rsa",
				     "/a/b]]/q.c",
				     "/a/ay]/q.h",
				     "abcdefghijkl",
				     "python3-m",
				     "*x?",
				     "/",
				     "x"};
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		struct glob *a = NULL, *b = NULL;
		const char *err = NULL;
		size_t pos;
		assert_int_equal(
		    glob_compile(pats[i].pat, pats[i].mode, &a, &err, &pos), 0);
		size_t n = glob_compile_size(pats[i].pat);
		assert_int_equal(n % 8, 0);
		void *mem = malloc(n);
		assert_non_null(mem);
		assert_int_equal(glob_compile_in(pats[i].pat, pats[i].mode, mem,
						 n, &b, &err, &pos),
				 0);
		assert_ptr_equal(b, mem);
		assert_string_equal(glob_source(b), pats[i].pat);
		assert_string_equal(glob_prefix(b), glob_prefix(a));
		for (size_t k = 0; k < sizeof(subj) / sizeof(subj[0]); k++)
			if (glob_match(a, subj[k]) != glob_match(b, subj[k]))
				fail_msg("%s on %s: the two compiles differ",
					 pats[i].pat, subj[k]);
		glob_free(b); /* not its block: nothing freed */
		assert_string_equal(glob_source(b), pats[i].pat);
		glob_free(a);
		/* one byte short, or misaligned: refused, nothing written
		 * past the block */
		err = NULL;
		assert_int_equal(glob_compile_in(pats[i].pat, pats[i].mode, mem,
						 n - 1, &b, &err, &pos),
				 -ENOSPC);
		assert_non_null(err);
		assert_int_equal(glob_compile_in(pats[i].pat, pats[i].mode,
						 (char *)mem + 1, n - 1, &b,
						 &err, &pos),
				 -ENOSPC);
		free(mem);
	}
	/* the most a pattern can take: every byte a class, or an op, and
	 * the patterns refused for their size or their number of parts */
	char big[GLOB_MAX_LEN + 2];
	for (size_t k = 0; k + 3 <= 1023 * 3; k += 3)
		memcpy(big + k, "[a]", 3);
	big[1023 * 3] = '\0';
	size_t n = glob_compile_size(big);
	void *mem = malloc(n);
	struct glob *g;
	const char *err;
	size_t pos;
	assert_int_equal(
	    glob_compile_in(big, GLOB_TOKEN, mem, n, &g, &err, &pos), 0);
	assert_true(glob_match(g, "aaa") == false);
	free(mem);
	memset(big, 'x', 1100);
	big[1100] = '\0';
	n = glob_compile_size(big);
	mem = malloc(n);
	assert_int_equal(
	    glob_compile_in(big, GLOB_TOKEN, mem, n, &g, &err, &pos), -EINVAL);
	free(mem);
	memset(big, 'x', GLOB_MAX_LEN + 1);
	big[GLOB_MAX_LEN + 1] = '\0';
	n = glob_compile_size(big);
	mem = malloc(n);
	assert_int_equal(
	    glob_compile_in(big, GLOB_TOKEN, mem, n, &g, &err, &pos), -EINVAL);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literal),
	    cmocka_unit_test(test_star),
	    cmocka_unit_test(test_globstar),
	    cmocka_unit_test(test_qmark_class),
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_token_and_name),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_match_below),
	    cmocka_unit_test(test_below_by_name),
	    cmocka_unit_test(test_match_prefix),
	    cmocka_unit_test(test_long_pattern),
	    cmocka_unit_test(test_compile_in),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
