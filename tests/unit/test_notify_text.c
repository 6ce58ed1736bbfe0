/* SPDX-License-Identifier: MIT */
/*
 * What policyd sends a webhook about a prompt (policyd/notify_text.c): the
 * agent's bytes as JSON with no control character a terminal acts on, and
 * as Slack text with no mention or link of the agent's and its cut said.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "notify_text.h"

static void json(const char *in, const char *want)
{
	struct strbuf b = {0};
	notify_json_str(&b, in);
	assert_false(b.oom);
	assert_string_equal(b.s, want);
	strbuf_free(&b);
}

static void slack(const char *in, size_t max, const char *want)
{
	struct strbuf b = {0};
	notify_slack_text(&b, in, max);
	assert_false(b.oom);
	assert_string_equal(b.s ? b.s : "", want);
	strbuf_free(&b);
}

static void test_json(void **state)
{
	(void)state;
	json("git push", "\"git push\"");
	json("a\"b\\c", "\"a\\\"b\\\\c\"");
	json("\x1b]52;c;Zm9v\x07", "\"\\u001b]52;c;Zm9v\\u0007\"");
	json("del\x7f", "\"del\\u007f\"");
	/* C1: CSI (U+009B), OSC (U+009D), ST (U+009C), as UTF-8 */
	json("a\xc2\x9b"
	     "31mb\xc2\x9d"
	     "52;c;x\xc2\x9c",
	     "\"a\\u009b31mb\\u009d52;c;x\\u009c\"");
	/* other UTF-8 kept: é (U+00E9), U+00A0, a CJK character */
	json("caf\xc3\xa9 \xc2\xa0 \xe4\xb8\xad",
	     "\"caf\xc3\xa9 \xc2\xa0 \xe4\xb8\xad\"");
	/* a lone 0xc2 at the end is passed on as the byte it is */
	json("x\xc2", "\"x\xc2\"");
	json(NULL, "\"\"");
}

static void test_slack(void **state)
{
	(void)state;
	slack("touch out/x", 600, "touch out/x");
	/* a mention, a link, an entity of the agent's: text, not markup */
	slack("<!channel> see <http://evil.example|the docs> &amp;", 600,
	      "&lt;!channel&gt; see &lt;http://evil.example|the docs&gt; "
	      "&amp;amp;");
	/* cut at max, said */
	slack("abcdefghij", 4, "abcd...");
	slack("abcd", 4, "abcd");
	/* never half a character: U+00E9 is two bytes, cut before it */
	slack("abc\xc3\xa9z", 4, "abc...");
	slack("\xe4\xb8\xad\xe4\xb8\xad", 4, "\xe4\xb8\xad...");
	/* the cut counts the agent's bytes, not the entities */
	slack("<<<<", 2, "&lt;&lt;...");
	slack(NULL, 10, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_slack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
