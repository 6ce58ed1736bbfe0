/* SPDX-License-Identifier: MIT */
/* yamltree: the tree, its marks, its caps, and what a syntax error says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "yamltree.h"

static void test_tree(void **state)
{
	(void)state;
	static const char text[] = "a: 1\nb: [x, 'y', ~]\nc: { d: null }\n";
	struct ytree *t = NULL;
	struct yerror e = {0};
	assert_int_equal(ytree_load_buffer(text, strlen(text), &t, &e), 0);
	assert_int_equal(t->root->type, YN_MAP);
	const struct ynode *b = ytree_get(t->root, "b");
	assert_non_null(b);
	assert_int_equal(b->type, YN_SEQ);
	assert_int_equal(b->n, 3);
	assert_int_equal(b->line, 2);
	assert_int_equal(b->col, 4);
	assert_true(b->items[0]->plain);
	assert_false(b->items[1]->plain);
	assert_false(ynode_is_null(b->items[1]));
	assert_true(ynode_is_null(b->items[2]));
	assert_true(ynode_is_null(ytree_get(ytree_get(t->root, "c"), "d")));
	assert_null(ytree_get(t->root, "z"));
	assert_null(ytree_get(b, "x")); /* not a map */
	assert_string_equal(ynode_type_name(b), "a list");
	ytree_free(t);
}

/* Each bad document: the error's place and the words it must hold. */
static const struct {
	const char *text;
	int line, col;
	const char *msg;
} bad[] = {
    /* a tab in the indentation, wherever libyaml stops on it */
    {"rules:\n\t- id: a\n", 2, 1, "tabs are not allowed for indentation"},
    {"a:\n  b: 1\n\tc: 2\n", 3, 1, "tabs are not allowed for indentation"},
    {"a:\n  - b: 1\n  \tc: 2\n", 3, 3, "tabs are not allowed for indentation"},
    {"a:\n  b: 1\n \t  c: 2\n", 3, 2, "tabs are not allowed for indentation"},
    {"a: |\n  x\n\ty\n", 3, 1, "tabs are not allowed for indentation"},
    {"a:\r\n  b: 1\r\n\tc: 2\r\n", 3, 1,
     "tabs are not allowed for indentation"},
    {"a:\r  b: 1\r\tc: 2\r", 3, 1, "tabs are not allowed for indentation"},
    {"\t\tversion: 1\n", 1, 1, "tabs are not allowed for indentation"},
    /* other syntax errors keep libyaml's words, and say what to change
     * for the common ones (with where the list or string began) */
    {"a: [1, 2\n", 2, 1, "YAML syntax error"},
    {"a: 1\n b: 2\n", 2, 3, "YAML syntax error"},
    {"a: 1\nb: 'x\n", 3, 1,
     "YAML syntax error: found unexpected end of stream while scanning a "
     "quoted scalar: the quoted string that starts at 2:4 is never closed"},
    {"a: b: c\n", 1, 5, "a value that holds ': ' must be quoted"},
    {"a:\n  b: 1\n c: 2\n", 3, 2,
     "check this line's indentation: it must line up with the keys of the "
     "mapping at 1:1"},
    {"a: \"x\" y\n", 1, 8, "quote the whole value"},
    {"a:\n  - 1\n  - 2\n - 3\n", 4, 2, "check this line's indentation"},
    {"a: [1,\n  2\nb: 1\n", 3, 2, "close the list that starts at 1:4 with ']'"},
    {"a: {x: 1\nb: 1\n", 2, 2, "close the mapping that starts at 1:4 with '}'"},
    {"a: \"\\*\"\n", 1, 5, "in double quotes a backslash starts an escape"},
    {"a: - b\n", 1, 4, "start the list on the next line"},
    {"a: @x\n", 1, 4, "a value that starts with '@' must be quoted"},
    /* a value that starts with '*' is an alias to YAML */
    {"a: **/.env\n", 1, 4, "quote it: \"**/.env\""},
    {"a: [*.log]\n", 1, 5, "quote it: \"*.log\""},
    {"a: *log\n", 1, 4, "must be quoted: \"*log\""},
    /* the tree's own refusals */
    {"a: 1\na: 2\n", 2, 1, "duplicate key 'a' (first at 1:1)"},
    {"a: &x 1\nb: *x\n", 2, 4,
     "aliases (*x) are not supported in policies: write the value out"},
    {"a: 1\n---\nb: 2\n", 2, 1, "found a second: remove this '---' line"},
    {"[a]: 1\n", 1, 1, "mapping keys must be plain strings, not a list"},
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ytree *t = NULL;
		struct yerror e = {0};
		int r =
		    ytree_load_buffer(bad[i].text, strlen(bad[i].text), &t, &e);
		if (r == 0 || e.line != bad[i].line || e.col != bad[i].col ||
		    !strstr(e.msg, bad[i].msg))
			fail_msg("case %zu: got %d %d:%d '%s', want %d:%d '%s'",
				 i, r, e.line, e.col, e.msg, bad[i].line,
				 bad[i].col, bad[i].msg);
		assert_null(t);
	}
}

/* The buffer need not end in a NUL: the error paths that look at the text
 * (tabs, '*', indentation) stay inside len (found by fuzz_policy). */
static void test_unterminated_buffer(void **state)
{
	(void)state;
	static const char *const texts[] = {
	    "s:\n 'K\n", "a: [*",      "a:\n  b: 1\n c", "a: @",
	    "a:\n\t",	 "a: \"x\" y", "a:\n  - 1\n -",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		size_t n = strlen(texts[i]);
		char *buf = malloc(n); /* exactly n bytes: no NUL after */
		assert_non_null(buf);
		memcpy(buf, texts[i], n);
		struct ytree *t = NULL;
		struct yerror e = {0};
		assert_int_not_equal(ytree_load_buffer(buf, n, &t, &e), 0);
		assert_true(e.line >= 1 && e.msg[0]);
		free(buf);
	}
}

/* Tabs where YAML allows them are not errors. */
static void test_tabs_allowed(void **state)
{
	(void)state;
	static const char *const ok[] = {
	    "a:\t1\n",
	    "a: [1,\n\t2]\n",
	    "a: 'x\ty'\n",
	    "a: 1 \t# comment\n",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct ytree *t = NULL;
		struct yerror e = {0};
		if (ytree_load_buffer(ok[i], strlen(ok[i]), &t, &e) != 0)
			fail_msg("case %zu: %d:%d %s", i, e.line, e.col, e.msg);
		ytree_free(t);
	}
}

static void test_caps(void **state)
{
	(void)state;
	struct ytree *t = NULL;
	struct yerror e = {0};
	char deep[2 * (YT_MAX_DEPTH + 2) + 1];
	memset(deep, '[', YT_MAX_DEPTH + 2);
	memset(deep + YT_MAX_DEPTH + 2, ']', YT_MAX_DEPTH + 2);
	deep[sizeof(deep) - 1] = '\0';
	assert_int_equal(ytree_load_buffer(deep, strlen(deep), &t, &e), -E2BIG);
	assert_int_equal(e.col, YT_MAX_DEPTH + 1);
	assert_non_null(strstr(e.msg, "deeper than the limit"));
	static const char nul[] = "a: \"x\\0y\"\n";
	assert_int_equal(ytree_load_buffer(nul, strlen(nul), &t, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "NUL"));
	assert_int_equal(ytree_load_buffer("", 0, &t, &e), 0);
	assert_null(t->root);
	ytree_free(t);
}

/* A FIFO where a policy file is expected is refused at once: loaded in a
 * child with an alarm, as the open of a FIFO without a writer would never
 * return. */
static void test_fifo_refused(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_yamltree.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/p.yaml", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(5);
		struct ytree *t = NULL;
		struct yerror e = {0};
		int r = ytree_load_file(path, &t, &e);
		_exit(r == -EINVAL && strstr(e.msg, "not a regular file") ? 0
									  : 1);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	unlink(path);
	rmdir(dir);
	assert_true(WIFEXITED(st)); /* not killed by the alarm: no hang */
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tree),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_unterminated_buffer),
	    cmocka_unit_test(test_tabs_allowed),
	    cmocka_unit_test(test_caps),
	    cmocka_unit_test(test_fifo_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
