/* SPDX-License-Identifier: MIT */
/*
 * The shares of policyd's connections (conn_share.c): a share refuses what
 * would take it past its most, and its pool's; a uid's entry is found
 * again for its next connection, freed with its last, and a full table
 * refuses a new uid without growing; what is given back is room again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "conn_share.h"

static void session_share_most(void **state)
{
	(void)state;
	struct conn_share sh;
	conn_share_init(&sh, 10, 100, NULL);
	assert_int_equal(conn_share_room(&sh, 10, 100), CONN_SHARE_FITS);
	conn_share_add(&sh, 8, 60);
	assert_int_equal(conn_share_room(&sh, 2, 40), CONN_SHARE_FITS);
	assert_int_equal(conn_share_room(&sh, 3, 0), CONN_SHARE_OWN);
	assert_int_equal(conn_share_room(&sh, 0, 41), CONN_SHARE_OWN);
	/* no overflow past SIZE_MAX: still refused */
	assert_int_equal(conn_share_room(&sh, 0, SIZE_MAX), CONN_SHARE_OWN);
	assert_false(conn_share_low(&sh));
	conn_share_sub(&sh, 6, 20);
	assert_int_equal(sh.fds, 2);
	assert_int_equal(sh.bytes, 40);
	assert_true(conn_share_low(&sh));
	/* given back past 0 (never expected): 0, not the most */
	conn_share_sub(&sh, 5, 500);
	assert_int_equal(sh.fds, 0);
	assert_int_equal(sh.bytes, 0);
	/* no share: no most */
	assert_int_equal(conn_share_room(NULL, 1u << 30, SIZE_MAX),
			 CONN_SHARE_FITS);
	conn_share_add(NULL, 1, 1);
	conn_share_sub(NULL, 1, 1);
}

static void uid_entries(void **state)
{
	(void)state;
	static struct conn_uids t;
	conn_uids_init(&t, 4, 100, 1000, 10000);
	struct conn_share *a = conn_uids_get(&t, 1000);
	struct conn_share *b = conn_uids_get(&t, 1001);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	/* the same uid's next connection: the same share */
	assert_ptr_equal(conn_uids_get(&t, 1000), a);
	assert_int_equal(a->refs, 2);
	assert_int_equal(conn_uids_count(&t), 2);
	conn_share_add(a, 4, 0);
	assert_int_equal(conn_share_room(a, 1, 0), CONN_SHARE_OWN);
	/* another uid is not held back by a's share */
	assert_int_equal(conn_share_room(b, 4, 100), CONN_SHARE_FITS);
	assert_int_equal(t.all.fds, 4);
	conn_share_sub(a, 2, 0);
	conn_uids_put(a);
	assert_int_equal(conn_uids_count(&t), 2);
	conn_share_sub(a, 2, 0);
	conn_uids_put(a);
	/* its last connection gone: free, and its pool holds nothing */
	assert_int_equal(conn_uids_count(&t), 1);
	assert_int_equal(t.all.fds, 0);
	/* a free entry is a fresh share for the next uid */
	a->told = true;
	struct conn_share *c = conn_uids_get(&t, 1002);
	assert_non_null(c);
	assert_int_equal(c->uid, 1002);
	assert_int_equal(c->fds, 0);
	assert_false(c->told);
	assert_int_equal(c->fds_max, 4);
	conn_uids_put(b);
	conn_uids_put(c);
	conn_uids_put(c); /* put once too often: nothing */
	assert_int_equal(conn_uids_count(&t), 0);
}

static void uid_pool(void **state)
{
	(void)state;
	static struct conn_uids t;
	/* each uid 4 descriptors, all together 10 */
	conn_uids_init(&t, 4, 100, 10, 150);
	struct conn_share *u[3];
	for (int i = 0; i < 3; i++) {
		u[i] = conn_uids_get(&t, (uid_t)(2000 + i));
		assert_non_null(u[i]);
	}
	conn_share_add(u[0], 4, 0);
	conn_share_add(u[1], 4, 0);
	assert_int_equal(conn_share_room(u[2], 2, 0), CONN_SHARE_FITS);
	assert_int_equal(conn_share_room(u[2], 3, 0), CONN_SHARE_POOL);
	/* its own most comes first */
	assert_int_equal(conn_share_room(u[0], 1, 0), CONN_SHARE_OWN);
	conn_share_add(u[0], 0, 100);
	conn_share_add(u[1], 0, 40);
	assert_int_equal(conn_share_room(u[2], 0, 10), CONN_SHARE_FITS);
	assert_int_equal(conn_share_room(u[2], 0, 11), CONN_SHARE_POOL);
	assert_int_equal(t.all.fds, 8);
	assert_int_equal(t.all.bytes, 140);
	/* a uid's share freed with what it still held gives it back to the
	 * pool */
	conn_uids_put(u[0]);
	assert_int_equal(t.all.fds, 4);
	assert_int_equal(t.all.bytes, 40);
	assert_int_equal(conn_share_room(u[2], 4, 100), CONN_SHARE_FITS);
	conn_uids_put(u[1]);
	conn_uids_put(u[2]);
}

static void uid_table_full(void **state)
{
	(void)state;
	static struct conn_uids t;
	conn_uids_init(&t, 4, 100, 1u << 20, 1u << 30);
	static struct conn_share *u[CONN_UIDS_MAX];
	for (unsigned i = 0; i < CONN_UIDS_MAX; i++) {
		u[i] = conn_uids_get(&t, 5000 + i);
		assert_non_null(u[i]);
	}
	assert_int_equal(conn_uids_count(&t), CONN_UIDS_MAX);
	/* a new uid: refused; one that has an entry: served */
	assert_null(conn_uids_get(&t, 4999));
	assert_ptr_equal(conn_uids_get(&t, 5000 + CONN_UIDS_MAX - 1),
			 u[CONN_UIDS_MAX - 1]);
	conn_uids_put(u[CONN_UIDS_MAX - 1]);
	/* one entry freed: the new uid gets it */
	conn_uids_put(u[7]);
	struct conn_share *n = conn_uids_get(&t, 4999);
	assert_ptr_equal(n, u[7]);
	assert_null(conn_uids_get(&t, 4998));
	for (unsigned i = 0; i < CONN_UIDS_MAX; i++)
		conn_uids_put(u[i]);
	assert_int_equal(conn_uids_count(&t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(session_share_most),
	    cmocka_unit_test(uid_entries),
	    cmocka_unit_test(uid_pool),
	    cmocka_unit_test(uid_table_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
