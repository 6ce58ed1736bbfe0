/* SPDX-License-Identifier: MIT */
/* Secrets taken out of command lines before a notification leaves the
 * machine (redact.c): a table of text in, text out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "redact.h"
#include "util.h"

static void test_table(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"git push origin main", "git push origin main"},
	    {"curl -H 'Authorization: Bearer abc.def' https://x",
	     "curl -H 'Authorization: Bearer ***' https://x"},
	    {"deploy --token=s3cr3t --env prod", "deploy --token=*** --env prod"},
	    {"deploy --token s3cr3t --env prod", "deploy --token *** --env prod"},
	    {"mysql --password=hunter2 db", "mysql --password=*** db"},
	    {"API_KEY=abc123 ./run", "API_KEY=*** ./run"},
	    {"git clone https://bob:hunter2@example.com/r.git",
	     "git clone https://***@example.com/r.git"},
	    {"curl https://example.com/a?x=1&access_token=zzz&y=2",
	     "curl https://example.com/a?x=1&access_token=***&y=2"},
	    {"echo ghp_abcdefghijklmnopqrstuvwxyz0123456789",
	     "echo ***"},
	    {"aws AKIAABCDEFGHIJKLMNOP", "aws ***"},
	    {"keyboard=us ls", "keyboard=us ls"},
	    {"/tmp/ws/ask/notes.txt", "/tmp/ws/ask/notes.txt"},
	    {"127.0.0.1:8080/tcp", "127.0.0.1:8080/tcp"},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++) {
		char out[256];
		redact(cases[i].in, out, sizeof(out));
		if (strcmp(out, cases[i].out))
			fail_msg("redact(\"%s\") = \"%s\", want \"%s\"",
				 cases[i].in, out, cases[i].out);
	}
	char small[8];
	redact("--token=abcdef", small, sizeof(small));
	assert_int_equal(strlen(small), 7); /* cut, terminated */
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_table)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
