/* SPDX-License-Identifier: MIT */
/* policy_hints: each common mistake in a host, CIDR, port or path value
 * gets a message that names it and says what to write instead. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "netaddr.h"
#include "policy_hints.h"

enum kind { HOST, CIDR, PORT, PATH_FILE, PATH_PROGRAM, PATH_DIR };

static const struct {
	enum kind kind;
	const char *field, *value;
	const char *want; /* the message must hold this */
} cases[] = {
    /* a URL where a host name goes (#17) */
    {HOST, "host", "https://pypi.org",
     "bad host 'https://pypi.org': it is a URL, not a host name: write "
     "host: pypi.org (and port: 443 if only https is meant)"},
    {HOST, "host", "https://pypi.org/simple/", "write host: pypi.org (and"},
    {HOST, "host", "http://user@Example.com:8080/x",
     "write host: example.com and port: 8080"},
    {HOST, "host", "ssh://git@github.com/o/r.git",
     "write host: github.com (and port: 22 if only ssh is meant)"},
    {HOST, "not_host", "https://evil.com", "write not_host: evil.com"},
    {HOST, "host", "https://10.1.2.3/x",
     "not an address: write host: 10.1.2.3"},
    {HOST, "host", "file:///etc/passwd", "a URL with no host name"},
    /* a port in the host */
    {HOST, "host", "pypi.org:443",
     "cannot name a port: write host: pypi.org and port: 443"},
    {HOST, "host", "pypi.org:https", "write host: pypi.org and port: 443"},
    {HOST, "host", "[::1]:443", "write host: \"::1\" and port: 443"},
    {HOST, "host", "10.0.0.1:8080", "write host: 10.0.0.1 and port: 8080"},
    {HOST, "not_host", "pypi.org:443", "write not_host: pypi.org"},
    /* other things a name is not */
    {HOST, "host", "pypi.org/simple", "without a path: write host: pypi.org"},
    {HOST, "host", "git@github.com", "user name: write host: github.com"},
    {HOST, "host", "pypi.org.", "without the final '.': host: pypi.org"},
    {HOST, "host", "PyPI.org", "lower case: host: pypi.org"},
    {HOST, "host", "*pypi.org", "write \"*.pypi.org\" for the names under"},
    {HOST, "host", "a.*.org", "only allowed as a leading '*.' label"},
    {HOST, "host", "a.org, b.org", "write a list: host: [a.org, b.org]"},
    {HOST, "host", "bad_host!.com", "may hold only letters"},
    /* addresses written wrong */
    {HOST, "host", "10.1.2.3/16",
     "bits are set beyond the /16 prefix: write 10.1.0.0/16 for the block, "
     "or 10.1.2.3 for the one address"},
    {HOST, "host", "10.0.0.256", "each part of an IPv4 address is 0-255"},
    {HOST, "host", "10.0.0", "four parts: write host: 10.0.0.0"},
    {HOST, "host", "fe80::1%eth0", "write host: \"fe80::1\""},
    {HOST, "host", "fe80::zz", "write an address such as"},
    {CIDR, "cidr", "10.1.2.3/16", "bad CIDR '10.1.2.3/16': bits are set"},
    {CIDR, "cidr", "fd00::1/8",
     "write \"fd00::/8\" for the block, or \"fd00::1\" for the one"},
    {CIDR, "cidr", "::ffff:10.1.2.3/112", "write \"::ffff:10.1.0.0/112\""},
    {CIDR, "cidr", "10.0.0.0/33", "prefix length of an IPv4 block is 0-32"},
    {CIDR, "cidr", "fd00::/129", "prefix length of an IPv6 block is 0-128"},
    {CIDR, "cidr", "10.0.0.0/", "as a number 0-32, such as 10.0.0.0/24"},
    {CIDR, "cidr", "pypi.org",
     "it is a host name; cidr takes addresses: write host: pypi.org"},
    {CIDR, "not_cidr", "pypi.org", "write not_host: pypi.org"},
    {CIDR, "cidr", "https://pypi.org", "write host: pypi.org"},
    {CIDR, "cidr", "https://10.0.0.1/", "write cidr: 10.0.0.1"},
    {CIDR, "cidr", "10.0.0.1-10.0.0.9",
     "cidr takes blocks, not ranges: write blocks such as 10.0.0.0/28 "
     "(which holds 10.0.0.0-10.0.0.15)"},
    {CIDR, "cidr", "10.0.*.*", "not '*': write cidr: 10.0.0.0/16"},
    {CIDR, "cidr", "*", "for every address write [0.0.0.0/0, \"::/0\"]"},
    {CIDR, "cidr", "10.0.0.1:80", "write cidr: 10.0.0.1 and port: 80"},
    {CIDR, "cidr", "10/8", "four parts: write cidr: 10.0.0.0/8"},
    {CIDR, "cidr", "300.1.1.1/8", "each part of an IPv4 address is 0-255"},
    {CIDR, "cidr", "10.0.0.0/8 192.168.0.0/16",
     "write a list: cidr: [10.0.0.0/8, 192.168.0.0/16]"},
    {CIDR, "cidr", "x!", "write an address or a block such as 10.0.0.0/8"},
    /* ports */
    {PORT, "port", "8000:8100",
     "write a range with '-' and no spaces: port: \"8000-8100\""},
    {PORT, "port", "8000..8100", "port: \"8000-8100\""},
    {PORT, "port", "8000 - 8100", "port: \"8000-8100\""},
    {PORT, "port", "100-50",
     "the low end is above the high end: write \"50-100\""},
    {PORT, "port", "1-70000", "use 1-65535 on both sides"},
    {PORT, "port", "https", "ports are numbers: write port: 443 for https"},
    {PORT, "not_port", "ssh", "write not_port: 22 for ssh"},
    {PORT, "port", "443/tcp", "write port: 443 and proto: tcp"},
    {PORT, "port", "80,443", "write a list: port: [80, 443]"},
    {PORT, "port", "0", "ports are 1-65535"},
    {PORT, "port", "70000", "ports are 1-65535"},
    {PORT, "port", "*", "to match every port, leave port out"},
    /* paths */
    {PATH_FILE, "path", "src/**",
     "must be absolute: write path: \"${PWD}/src/**\" (in the workspace) or "
     "path: \"**/src/**\" (anywhere)"},
    {PATH_FILE, "path", "./build", "write path: \"${PWD}/build\""},
    {PATH_FILE, "not_path", "~/.ssh/**",
     "'~' is not expanded): write not_path: \"${HOME}/.ssh/**\""},
    {PATH_FILE, "path", "$HOME/x",
     "variables are written ${NAME}): write path: \"${HOME}/x\""},
    {PATH_PROGRAM, "path", "git",
     "write the program's full path (such as /usr/bin/git), or match it by "
     "name with argv: [\"git **\"]"},
    {PATH_PROGRAM, "path", "bin/tool", "write path: \"${PWD}/bin/tool\""},
    {PATH_DIR, "cwd", "src", "write cwd: \"${PWD}/src\""},
    {PATH_FILE, "path", "", "must be absolute"},
};

static void test_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[600];
		const char *v = cases[i].value, *f = cases[i].field;
		struct tg_cidr c;
		const char *err = "?";
		memset(buf, 0, sizeof(buf));
		switch (cases[i].kind) {
		case HOST:
			if (strchr(v, ':') ||
			    strspn(v, "0123456789./") == strlen(v)) {
				tg_cidr_parse(v, &c, &err);
				hints_host(f, v, err, NULL, buf, sizeof(buf));
			} else {
				tg_host_pattern_check(v, &err);
				hints_host(f, v, NULL, err, buf, sizeof(buf));
			}
			break;
		case CIDR:
			tg_cidr_parse(v, &c, &err);
			hints_cidr(f, v, err, buf, sizeof(buf));
			break;
		case PORT:
			hints_port(f, v, buf, sizeof(buf));
			break;
		case PATH_FILE:
			hints_relative_path(HINT_PATH_FILE, f, v, buf,
					    sizeof(buf));
			break;
		case PATH_PROGRAM:
			hints_relative_path(HINT_PATH_PROGRAM, f, v, buf,
					    sizeof(buf));
			break;
		case PATH_DIR:
			hints_relative_path(HINT_PATH_DIR, f, v, buf,
					    sizeof(buf));
			break;
		}
		if (!strstr(buf, cases[i].want))
			fail_msg("%s '%s':\n  got  %s\n  want %s", f, v, buf,
				 cases[i].want);
	}
}

/* Every suggestion that names a value must be one the loader accepts. */
static void test_suggestions_parse(void **state)
{
	(void)state;
	static const char *const blocks[] = {"10.1.0.0/16", "fd00::/8",
					     "::ffff:10.1.0.0/112",
					     "10.0.0.0/28", "10.0.0.0/16"};
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		struct tg_cidr c;
		const char *err;
		if (tg_cidr_parse(blocks[i], &c, &err) < 0)
			fail_msg("%s: %s", blocks[i], err);
	}
	char buf[600];
	assert_false(hints_url("host", "pypi.org", buf, sizeof(buf)));
	assert_false(hints_url("host", "fe80::1", buf, sizeof(buf)));
	assert_false(hints_url("host", "://x", buf, sizeof(buf)));
	assert_true(hints_url("host", "git+ssh://h/x", buf, sizeof(buf)));
	assert_non_null(strstr(buf, "write host: h (and port: 22"));
	/* a long value is cut, never overflows */
	char big[5000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "https://", 8);
	assert_true(hints_url("host", big, buf, sizeof(buf)));
	hints_relative_path(HINT_PATH_FILE, "path", big, buf, sizeof(buf));
	hints_port("port", big, buf, sizeof(buf));
	hints_cidr("cidr", big, "x", buf, sizeof(buf));
	hints_host("host", big, NULL, "x", buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_suggestions_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
