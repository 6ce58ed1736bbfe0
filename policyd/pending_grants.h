/* SPDX-License-Identifier: MIT */
/*
 * pending_grants: pending.c's grants (see pending_grants.c). Only
 * pending.c makes and applies grants; the operators' side (control.c)
 * lists and revokes them.
 */
#ifndef TIERGATE_PENDING_GRANTS_H
#define TIERGATE_PENDING_GRANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

#include "outcome.h"
#include "policy_grants.h"
#include "req_decode.h"

#define PENDING_GRANTS_MAX 4096
#ifndef PENDING_SHOWN_MAX
#define PENDING_SHOWN_MAX 1024
#endif

struct session;

struct pending_grant_info {
	uint32_t id;
	char session[32];
	char kind[16];
	char shown[PENDING_SHOWN_MAX];
	char rule[128];
	uid_t by_uid;
	uint64_t made_us, until_us; /* until 0: the session's end */
	uint64_t uses;
	char like[512];
};

/* What a grant shows (copied). */
struct pgrant_what {
	const char *session, *kind, *shown, *rule;
	uid_t by;
};

/* Revokes a grant ("grant-N" by number; always-N: overlay_revoke()).
 * 0 or -ENOENT. */
int pending_revoke(uint32_t grant, uid_t by);
/* Calls fn for each grant in force. */
void pending_grants_each(void (*fn)(const struct pending_grant_info *, void *),
			 void *arg);

/* A grant of session s for the call of key (keylen bytes, copied; NULL:
 * a call too long to be named, only a like grant can cover it), or for
 * calls like it (like, taken in every case); what it shows: w.
 * until_us: its end (0: the session's). Its id, or 0 (none made). */
uint32_t pgrants_make(const struct session *s, const char *key, size_t keylen,
		      const struct pgrant_what *w, uint64_t until_us,
		      struct policy_grant *like);
/* A grant of s's (or the policy's --always overlay) covers the prompt o
 * of request q (key: as pending.c names it, NULL when too long): o
 * becomes a log naming the grant as its rule. */
bool pgrants_apply(const struct session *s, const struct req *q,
		   struct outcome *o, const char *key, size_t keylen);
void pgrants_session_end(const struct session *s);
void pgrants_reset(void);

#endif
