/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "util.h"

static const char *norm(const char *cwd, const char *p)
{
	static char out[TG_PATH_MAX];
	int r = tg_path_normalize(cwd, p, out, sizeof(out));
	if (r < 0)
		return NULL;
	return out;
}

static void test_normalize(void **state)
{
	(void)state;
	assert_string_equal(norm("/", "/a//b/./c/"), "/a/b/c");
	assert_string_equal(norm("/", "/a/b/../c"), "/a/c");
	assert_string_equal(norm("/", "/../../x"), "/x");
	assert_string_equal(norm("/home/u/w", "src/../lib/./x.c"),
			    "/home/u/w/lib/x.c");
	assert_string_equal(norm("/home/u/w", "../../.ssh/id_rsa"),
			    "/home/.ssh/id_rsa");
	assert_string_equal(norm("/", "/"), "/");
	assert_string_equal(norm("/a", ".."), "/");
	assert_string_equal(norm("/a/b", "."), "/a/b");
	assert_string_equal(norm("/", "/a/...b/.."), "/a");
	assert_null(norm(NULL, "relative"));
	assert_null(norm("/", ""));
	char small[8];
	assert_int_equal(
	    tg_path_normalize("/", "/abcdefghijk", small, sizeof(small)),
	    -ENAMETOOLONG);
}

static void test_units(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(tg_parse_duration_ms("120s", &v), 0);
	assert_int_equal(v, 120000);
	assert_int_equal(tg_parse_duration_ms("2m", &v), 0);
	assert_int_equal(v, 120000);
	assert_int_equal(tg_parse_duration_ms("90", &v), 0);
	assert_int_equal(v, 90000);
	assert_int_equal(tg_parse_duration_ms("250ms", &v), 0);
	assert_int_equal(v, 250);
	assert_int_equal(tg_parse_duration_ms("1h", &v), 0);
	assert_int_equal(v, 3600000);
	assert_int_equal(tg_parse_duration_ms("soon", &v), -EINVAL);
	assert_int_equal(tg_parse_duration_ms("5 parsecs", &v), -EINVAL);
	assert_int_equal(tg_parse_size("2MiB", &v), 0);
	assert_int_equal(v, 2u << 20);
	assert_int_equal(tg_parse_size("1GiB", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(tg_parse_size("10MB", &v), 0);
	assert_int_equal(v, 10000000);
	assert_int_equal(tg_parse_size("99999999999999999999GiB", &v), -ERANGE);
	assert_int_equal(tg_parse_rate("10MiB/s", true, &v), 0);
	assert_int_equal(v, 10u << 20);
	assert_int_equal(tg_parse_rate("50/s", false, &v), 0);
	assert_int_equal(v, 50);
	assert_int_equal(tg_parse_rate("600/m", false, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(tg_parse_rate("1/h", false, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(tg_parse_rate("50", false, &v), -EINVAL);
	assert_int_equal(tg_parse_rate("x/s", false, &v), -EINVAL);
}

static void test_split(void **state)
{
	(void)state;
	char **v;
	size_t n;
	assert_int_equal(
	    tg_split_words("git  commit -m 'a b' \"c\\\"d\"", false, &v, &n),
	    0);
	assert_int_equal(n, 5);
	assert_string_equal(v[3], "a b");
	assert_string_equal(v[4], "c\"d");
	tg_strv_free(v);
	/* quoted glob characters become escaped in pattern mode */
	assert_int_equal(tg_split_words("rm '*'", true, &v, &n), 0);
	assert_string_equal(v[1], "\\*");
	tg_strv_free(v);
	assert_int_equal(tg_split_words("unterminated 'quote", false, &v, &n),
			 -EINVAL);
	assert_int_equal(tg_split_words("trailing \\", false, &v, &n), -EINVAL);
	assert_int_equal(tg_split_words("   ", false, &v, &n), 0);
	assert_int_equal(n, 0);
	tg_strv_free(v);
}

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(tg_edit_distance("acess", "access", 2), 1);
	assert_int_equal(tg_edit_distance("pth", "path", 2), 1);
	assert_int_equal(tg_edit_distance("completely", "different", 2), 3);
}

/* A fake file system for tg_resolve_links: paths listed are links (to
 * their target), paths under /real exist, everything else is missing. */
static long fake_readlink(void *ctx, const char *path, char *buf, size_t sz)
{
	(void)ctx;
	static const char *const links[][2] = {
	    {"/w/rel", "../real/dir"}, {"/w/abs", "/real/file"},
	    {"/w/chain", "/w/abs"},    {"/w/dangling", "../real/new"},
	    {"/w/loop1", "/w/loop2"},  {"/w/loop2", "/w/loop1"},
	    {"/w", "/real/w"},
	};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (!strcmp(path, links[i][0])) {
			size_t n = strlen(links[i][1]);
			if (n >= sz)
				return -ENAMETOOLONG;
			memcpy(buf, links[i][1], n);
			return (long)n;
		}
	if (!strncmp(path, "/real", 5) && strcmp(path, "/real/new") &&
	    strncmp(path, "/real/new/", 10))
		return -EINVAL; /* exists, not a link */
	return -ENOENT;
}

static const char *walk(const char *p, bool missing_ok, int *ret)
{
	static char out[TG_PATH_MAX];
	*ret = tg_resolve_links(p, fake_readlink, NULL, missing_ok, out,
				sizeof(out));
	return out;
}

static void test_resolve_links(void **state)
{
	(void)state;
	int r;
	/* /w itself is a link to /real/w: links are followed at every level */
	assert_string_equal(walk("/real/dir/x", false, &r), "/real/dir/x");
	assert_int_equal(r, 0);
	assert_string_equal(walk("/real/./dir/../file", false, &r),
			    "/real/file");
	assert_int_equal(r, 0);
	/* missing: an error, or the rest kept as is */
	walk("/real/new/x", false, &r);
	assert_int_equal(r, -ENOENT);
	assert_string_equal(walk("/real/new/x", true, &r), "/real/new/x");
	assert_int_equal(r, 0);
	/* the parent link (/w -> /real/w) is followed before the child's */
	assert_string_equal(walk("/w/loop1", true, &r), "/real/w/loop1");
	assert_int_equal(r, 0);
	char out[8];
	assert_int_equal(tg_resolve_links("/real/dir/longer", fake_readlink,
					  NULL, true, out, sizeof(out)),
			 -ENAMETOOLONG);
	assert_int_equal(tg_resolve_links("relative", fake_readlink, NULL, true,
					  out, sizeof(out)),
			 -EINVAL);
}

/* Links in a directory that is not itself a link. */
static long fake2(void *ctx, const char *path, char *buf, size_t sz)
{
	(void)ctx;
	static const char *const links[][2] = {
	    {"/real/rel", "dir/sub"},	 {"/real/up", "../real/file"},
	    {"/real/abs", "/real/file"}, {"/real/dangling", "gone/x"},
	    {"/real/l1", "l2"},		 {"/real/l2", "l1"},
	};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (!strcmp(path, links[i][0])) {
			size_t n = strlen(links[i][1]);
			memcpy(buf, links[i][1], n < sz ? n : sz);
			return (long)n;
		}
	if (!strncmp(path, "/real/gone", 10))
		return -ENOENT;
	return -EINVAL;
}

static void test_resolve_links_targets(void **state)
{
	(void)state;
	char out[TG_PATH_MAX];
	assert_int_equal(tg_resolve_links("/real/rel/f", fake2, NULL, false,
					  out, sizeof(out)),
			 0);
	assert_string_equal(out, "/real/dir/sub/f");
	assert_int_equal(
	    tg_resolve_links("/real/up", fake2, NULL, false, out, sizeof(out)),
	    0);
	assert_string_equal(out, "/real/file");
	assert_int_equal(
	    tg_resolve_links("/real/abs", fake2, NULL, false, out, sizeof(out)),
	    0);
	assert_string_equal(out, "/real/file");
	/* a dangling link: its target is what would be created */
	assert_int_equal(tg_resolve_links("/real/dangling", fake2, NULL, true,
					  out, sizeof(out)),
			 0);
	assert_string_equal(out, "/real/gone/x");
	assert_int_equal(
	    tg_resolve_links("/real/l1", fake2, NULL, true, out, sizeof(out)),
	    -ELOOP);
}

static void test_strbuf(void **state)
{
	(void)state;
	struct strbuf b = {0};
	for (int i = 0; i < 1000; i++)
		strbuf_printf(&b, "%d,", i);
	assert_true(b.len > 3000);
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_printf(&b, "%s", big);
	char *s = strbuf_steal(&b);
	assert_non_null(s);
	assert_int_equal(s[strlen(s) - 1], 'x');
	free(s);
}

static void test_strlcpy(void **state)
{
	(void)state;
	char b[6];
	assert_int_equal(tg_strlcpy(b, sizeof(b), "abc"), 3);
	assert_string_equal(b, "abc");
	assert_int_equal(tg_strlcpy(b, sizeof(b), "abcdef"), 6);
	assert_string_equal(b, "abcde"); /* cut to fit, terminated */
	assert_int_equal(tg_strlcpy(b, sizeof(b), ""), 0);
	assert_string_equal(b, "");
	assert_int_equal(tg_strlcpy(b, 1, "xyz"), 3);
	assert_string_equal(b, "");
	char o[16] = "hello";
	tg_strlcpy(o, sizeof(o), o + 1); /* overlapping copies are safe */
	assert_string_equal(o, "ello");
}

static void test_argv_quote(void **state)
{
	(void)state;
	char b[256];
	const char *plain[] = {"git", "push", "origin", "main"};
	assert_int_equal(tg_argv_quote(b, sizeof(b), plain, 4), 20);
	assert_string_equal(b, "git push origin main");
	/* spaces, quotes and the empty word as a shell needs them */
	const char *odd[] = {"rm", "my file", "it's", "", "a\"b", "$HOME"};
	tg_argv_quote(b, sizeof(b), odd, 6);
	assert_string_equal(b, "rm 'my file' 'it'\\''s' '' 'a\"b' '$HOME'");
	/* control characters never reach the terminal raw */
	const char *ctl[] = {"echo", "a\nb", "\x1b[2J", "t\tab'\\", "\x7f"};
	tg_argv_quote(b, sizeof(b), ctl, 5);
	assert_string_equal(b, "echo $'a\\nb' $'\\x1b[2J' $'t\\tab\\'\\\\' "
			       "$'\\x7f'");
	for (const char *p = b; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	/* a NULL entry is an empty word; cap below 64 gives "" */
	const char *nul[] = {"x", NULL};
	tg_argv_quote(b, sizeof(b), nul, 2);
	assert_string_equal(b, "x ''");
	assert_int_equal(tg_argv_quote(b, 63, plain, 4), 0);
	assert_string_equal(b, "");
}

static void test_argv_quote_long(void **state)
{
	(void)state;
	char b[128], big[400];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* one long quoted word: cut, its quote closed, marked */
	const char *one[] = {"echo", big, "z z"};
	big[0] = ' ';
	size_t n = tg_argv_quote(b, sizeof(b), one, 3);
	assert_int_equal(n, strlen(b));
	assert_true(n < sizeof(b));
	assert_memory_equal(b, "echo ' yyy", 10);
	assert_non_null(strstr(b, "y'... [+1 more arguments]"));
	/* an escape is never cut in half */
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = '\n';
	const char *esc[] = {big};
	tg_argv_quote(b, sizeof(b), esc, 1);
	size_t len = strlen(b);
	assert_string_equal(b + len - 6, "\\n'...");
	/* many short words: whole words, the rest counted */
	const char *many[200];
	for (size_t i = 0; i < 200; i++)
		many[i] = "ab";
	tg_argv_quote(b, sizeof(b), many, 200);
	assert_non_null(strstr(b, "ab ab"));
	char *m = strstr(b, "... [+");
	assert_non_null(m);
	size_t shown = 0;
	for (const char *p = b; p < m; p++)
		shown += *p == 'a';
	char want[64];
	snprintf(want, sizeof(want), "... [+%zu more arguments]", 200 - shown);
	assert_string_equal(m, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_normalize),
	    cmocka_unit_test(test_strlcpy),
	    cmocka_unit_test(test_argv_quote),
	    cmocka_unit_test(test_argv_quote_long),
	    cmocka_unit_test(test_units),
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_edit_distance),
	    cmocka_unit_test(test_strbuf),
	    cmocka_unit_test(test_resolve_links),
	    cmocka_unit_test(test_resolve_links_targets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
