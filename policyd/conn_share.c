/* SPDX-License-Identifier: MIT */
#include "conn_share.h"

#include <string.h>

void conn_share_init(struct conn_share *sh, unsigned fds_max, size_t bytes_max,
		     struct conn_share *pool)
{
	*sh = (struct conn_share){
	    .fds_max = fds_max, .bytes_max = bytes_max, .pool = pool};
}

static enum conn_share_over room_one(const struct conn_share *sh, unsigned fds,
				     size_t bytes)
{
	/* written so that nothing overflows */
	if (sh->fds > sh->fds_max || fds > sh->fds_max - sh->fds ||
	    sh->bytes > sh->bytes_max || bytes > sh->bytes_max - sh->bytes)
		return CONN_SHARE_OWN;
	return CONN_SHARE_FITS;
}

enum conn_share_over conn_share_room(const struct conn_share *sh, unsigned fds,
				     size_t bytes)
{
	if (!sh)
		return CONN_SHARE_FITS;
	if (room_one(sh, fds, bytes) != CONN_SHARE_FITS)
		return CONN_SHARE_OWN;
	if (sh->pool && room_one(sh->pool, fds, bytes) != CONN_SHARE_FITS)
		return CONN_SHARE_POOL;
	return CONN_SHARE_FITS;
}

void conn_share_add(struct conn_share *sh, unsigned fds, size_t bytes)
{
	for (; sh; sh = sh->pool) {
		sh->fds += fds;
		sh->bytes += bytes;
	}
}

void conn_share_sub(struct conn_share *sh, unsigned fds, size_t bytes)
{
	for (; sh; sh = sh->pool) {
		/* never below 0: a count that went wrong holds nothing
		 * rather than wrapping to the most */
		sh->fds = fds < sh->fds ? sh->fds - fds : 0;
		sh->bytes = bytes < sh->bytes ? sh->bytes - bytes : 0;
	}
}

bool conn_share_low(const struct conn_share *sh)
{
	return sh->fds < sh->fds_max / 2 && sh->bytes < sh->bytes_max / 2;
}

void conn_uids_init(struct conn_uids *t, unsigned fds_max, size_t bytes_max,
		    unsigned all_fds_max, size_t all_bytes_max)
{
	memset(t, 0, sizeof(*t));
	conn_share_init(&t->all, all_fds_max, all_bytes_max, NULL);
	for (size_t i = 0; i < CONN_UIDS_MAX; i++)
		conn_share_init(&t->uid[i], fds_max, bytes_max, &t->all);
}

struct conn_share *conn_uids_get(struct conn_uids *t, uid_t uid)
{
	struct conn_share *free_one = NULL;
	for (size_t i = 0; i < CONN_UIDS_MAX; i++) {
		struct conn_share *sh = &t->uid[i];
		if (sh->refs && sh->uid == uid) {
			sh->refs++;
			return sh;
		}
		if (!sh->refs && !free_one)
			free_one = sh;
	}
	if (!free_one)
		return NULL;
	conn_share_init(free_one, free_one->fds_max, free_one->bytes_max,
			&t->all);
	free_one->uid = uid;
	free_one->refs = 1;
	return free_one;
}

void conn_uids_put(struct conn_share *sh)
{
	if (!sh || !sh->refs)
		return;
	if (--sh->refs)
		return;
	/* what it still counts (never expected) leaves the pool with it */
	conn_share_sub(sh, sh->fds, sh->bytes);
	sh->told = false;
}

unsigned conn_uids_count(const struct conn_uids *t)
{
	unsigned n = 0;
	for (size_t i = 0; i < CONN_UIDS_MAX; i++)
		n += t->uid[i].refs != 0;
	return n;
}
