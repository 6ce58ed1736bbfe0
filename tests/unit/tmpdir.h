/* SPDX-License-Identifier: MIT */
/*
 * A scratch directory for a unit test, made by a cmocka setup and removed
 * by its teardown, so that a failed assertion (which leaves the test at
 * once) does not leave it behind:
 *
 *   TG_TEST_TMPDIR(dir, "/tmp/tg-NAME-XXXXXX")
 *   ... cmocka_unit_test_setup_teardown(test_x, dir_make, dir_remove)
 */
#ifndef TG_TEST_TMPDIR_H
#define TG_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

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

#endif
