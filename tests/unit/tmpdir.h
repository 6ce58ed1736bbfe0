/* SPDX-License-Identifier: MIT */
/*
 * A scratch directory for a unit test, made by a cmocka setup and removed
 * by its teardown, so that a failed assertion (which leaves the test at
 * once) does not leave it behind:
 *
 *   TG_TEST_TMPDIR(dir, "/tmp/tg-NAME-XXXXXX")
 *   ... cmocka_unit_test_setup_teardown(test_x, dir_make, dir_remove)
 *
 * Test tables name paths below it as "@T/...": tg_test_at_dir fills them.
 */
#ifndef TG_TEST_TMPDIR_H
#define TG_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TG_TEST_TMPDIR(var, template)                                          \
	static char var[] = template;                                          \
	static int var##_make(void **state)                                    \
	{                                                                      \
		(void)state;                                                   \
		return mkdtemp(var) ? 0 : -1;                                  \
	}                                                                      \
	static int var##_remove(void **state)                                  \
	{                                                                      \
		(void)state;                                                   \
		char cmd[sizeof(var) + 16];                                    \
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", var);                \
		return system(cmd) == 0 ? 0 : -1;                              \
	}

/* s with each "@T" replaced by dir: a malloc'd string, NULL when out of
 * memory. */
static inline char *tg_test_at_dir(const char *s, const char *dir)
{
	size_t dl = strlen(dir), n = 1;
	for (const char *p = s; *p; p++)
		n += p[0] == '@' && p[1] == 'T' ? (p++, dl) : 1;
	char *r = malloc(n), *o = r;
	if (!r)
		return NULL;
	for (const char *p = s; *p;) {
		if (p[0] == '@' && p[1] == 'T') {
			memcpy(o, dir, dl);
			o += dl;
			p += 2;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return r;
}

#endif
