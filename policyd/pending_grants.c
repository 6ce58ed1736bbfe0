/* SPDX-License-Identifier: MIT */
/*
 * pending_grants: the grants of --session and --for answers (and --like
 * ones), kept in memory for their session, and the lookup of a prompt
 * against them and against the policy's --always overlay (overlay.h).
 * A grant only ever turns a prompt of its rule into an approval.
 */
#include "pending_grants.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "daemon.h"
#include "overlay.h"
#include "redact.h"
#include "session.h"
#include "util.h"

struct grant {
	struct pending_grant_info i;
	const struct session *s;
	char *key;
	size_t keylen;
	uint64_t until_ns; /* 0: the session's end */
	char name[24];	   /* "grant-N": the rule the calls it allows show */
	struct policy_grant *like; /* --like: calls like this; NULL: key */
	bool keyless; /* no key (a call too long to be one): like only */
	struct grant *next;
};

static struct grant *grants;
static size_t ngrants;
static uint32_t next_grant;

static bool key_eq(const char *k, size_t kl, const char *k2, size_t kl2)
{
	return k && k2 && kl == kl2 && !memcmp(k, k2, kl);
}


static void grant_free(struct grant *g)
{
	if (!g)
		return;
	free(g->key);
	policy_grant_free(g->like);
	free(g);
}

static struct grant *grant_find(const struct session *s, const char *key,
				size_t keylen,
				const struct policy_grant_call *call)
{
	uint64_t now = tg_mono_ns();
	for (struct grant **p = &grants; *p;) {
		struct grant *g = *p;
		if (g->until_ns && now >= g->until_ns) {
			/* expired exactly: new calls ask again */
			*p = g->next;
			ngrants--;
			grant_free(g);
			continue;
		}
		if (g->s == s &&
		    (g->like ? policy_grant_matches(g->like, call)
			     : !g->keyless && key &&
				   key_eq(g->key, g->keylen, key, keylen)))
			return g;
		p = &g->next;
	}
	return NULL;
}

uint32_t pgrants_make(const struct session *s, const char *key, size_t keylen,
		      const struct pgrant_what *w, uint64_t until_us,
		      struct policy_grant *like)
{
	if ((!key && !like) || ngrants >= PENDING_GRANTS_MAX) {
		policy_grant_free(like);
		return 0;
	}
	struct grant *g = calloc(1, sizeof(*g));
	if (!g || !(g->key = malloc(keylen ? keylen : 1))) {
		free(g);
		policy_grant_free(like);
		return 0;
	}
	if (key)
		memcpy(g->key, key, keylen);
	g->keylen = key ? keylen : 0;
	g->keyless = !key;
	g->like = like;
	if (like)
		snprintf(g->i.like, sizeof(g->i.like), "%s", like->like);
	g->s = s;
	g->i.id = ++next_grant;
	snprintf(g->name, sizeof(g->name), "grant-%u", g->i.id);
	snprintf(g->i.session, sizeof(g->i.session), "%s", w->session);
	snprintf(g->i.kind, sizeof(g->i.kind), "%s", w->kind);
	snprintf(g->i.shown, sizeof(g->i.shown), "%s", w->shown);
	snprintf(g->i.rule, sizeof(g->i.rule), "%s", w->rule);
	g->i.by_uid = w->by;
	g->i.made_us = tg_now_us();
	g->i.until_us = until_us;
	if (until_us) {
		uint64_t left = until_us > g->i.made_us
				    ? until_us - g->i.made_us
				    : 0;
		g->until_ns = tg_mono_ns() + left * 1000;
		if (!g->until_ns)
			g->until_ns = 1;
	}
	g->next = grants;
	grants = g;
	ngrants++;
	return g->i.id;
}

int pending_revoke(uint32_t id, uid_t by)
{
	for (struct grant **p = &grants; *p; p = &(*p)->next)
		if ((*p)->i.id == id) {
			struct grant *g = *p;
			*p = g->next;
			ngrants--;
			if (D.audit) {
				char d[64];
				snprintf(d, sizeof(d), "grant-%u revoked", id);
				char shown[2 * PENDING_SHOWN_MAX];
				redact(g->i.shown, shown, sizeof(shown));
				struct audit_rec r = {.session = g->i.session,
						      .uid = by,
						      .kind = "prompt",
						      .target = shown,
						      .rule = g->i.rule,
						      .tier = 3,
						      .action = "prompt",
						      .decision = "revoked",
						      .detail = d};
				audit_write(D.audit, &r);
			}
			grant_free(g);
			return 0;
		}
	return -ENOENT;
}

/* The call of request q decided o, as a grant sees it. */
static struct policy_grant_call call_of(const struct req *q,
					const struct outcome *o)
{
	bool ex = q && q->kind == TGPK_EXEC;
	return (struct policy_grant_call){
	    .rule = o->d.rule_id ? o->d.rule_id : "?",
	    .kind = o->kind,
	    .target = o->target,
	    .argv = ex ? q->argv : NULL,
	    .argc = ex ? q->argc : 0,
	    .access = q ? q->access : 0,
	    .access2 = q ? q->access2 : 0};
}

/* A grant covers the prompt o: it becomes a log naming the grant. */
bool pgrants_apply(const struct session *s, const struct req *q,
		   struct outcome *o, const char *key, size_t keylen)
{
	struct policy_grant_call call = call_of(q, o);
	struct grant *g = grant_find(s, key, keylen, &call);
	if (g) {
		g->i.uses++;
		o->d.action = POLICY_LOG;
		o->d.rule_id = g->name;
		snprintf(o->detail, sizeof(o->detail),
			 "allowed by %s (approved by uid %u, rule %s)", g->name,
			 (unsigned)g->i.by_uid, g->i.rule);
		return true;
	}
	char where[4200];
	const struct policy_grant *a =
	    overlay_find(s->policy_path, &call, where, sizeof(where));
	if (!a)
		return false;
	/* the rule the call shows: the grant's id, which outlives this
	 * policyd (a static string of the overlay's cache would not) */
	static char name[64];
	snprintf(name, sizeof(name), "%s", a->id);
	o->d.action = POLICY_LOG;
	o->d.rule_id = name;
	snprintf(o->detail, sizeof(o->detail),
		 "allowed by %s (%.300s, approved by %s uid %u, rule %s)", a->id,
		 where, a->by ? a->by : "?", (unsigned)a->uid, a->rule);
	return true;
}

void pending_grants_each(void (*fn)(const struct pending_grant_info *, void *),
			 void *arg)
{
	uint64_t now = tg_mono_ns();
	for (struct grant *g = grants; g; g = g->next)
		if (!g->until_ns || now < g->until_ns)
			fn(&g->i, arg);
}

void pgrants_session_end(const struct session *s)
{
	for (struct grant **p = &grants; *p;) {
		struct grant *g = *p;
		if (g->s != s) {
			p = &g->next;
			continue;
		}
		*p = g->next;
		ngrants--;
		grant_free(g);
	}
}

void pgrants_reset(void)
{
	while (grants) {
		struct grant *g = grants;
		grants = g->next;
		grant_free(g);
	}
	ngrants = 0;
	next_grant = 0;
}
