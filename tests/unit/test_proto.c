/* SPDX-License-Identifier: MIT */
/* tg_proto.h helpers shared by the interposer and policyd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>

#include "tg_proto.h"

static void test_open_access(void **state)
{
	(void)state;
	assert_int_equal(tgp_open_access(O_RDONLY), TGPA_READ);
	assert_int_equal(tgp_open_access(O_RDONLY | O_CLOEXEC | O_NOFOLLOW),
			 TGPA_READ);
	assert_int_equal(tgp_open_access(O_WRONLY), TGPA_WRITE);
	assert_int_equal(tgp_open_access(O_RDWR), TGPA_READ | TGPA_WRITE);
	/* mode 3 (ioctl only): the kernel checks read and write */
	assert_int_equal(tgp_open_access(O_ACCMODE), TGPA_READ | TGPA_WRITE);
	assert_int_equal(tgp_open_access(O_RDONLY | O_TRUNC), TGPA_WRITE);
	assert_int_equal(tgp_open_access(O_WRONLY | O_CREAT),
			 TGPA_WRITE | TGPA_CREATE);
	assert_int_equal(tgp_open_access(O_RDONLY | O_CREAT),
			 TGPA_WRITE | TGPA_CREATE);
	assert_int_equal(tgp_open_access(O_TMPFILE | O_WRONLY), TGPA_WRITE);
	assert_int_equal(tgp_open_access(O_PATH), 0);
	assert_int_equal(tgp_open_access(O_PATH | O_RDWR | O_CREAT), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_access),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
