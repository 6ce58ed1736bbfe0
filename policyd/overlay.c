/* SPDX-License-Identifier: MIT */
/*
 * overlay: the --always grants beside each policy (see overlay.h).
 *
 * Who writes: policyd only, as its own user (the operator's answer comes
 * on the control socket; policyctl never writes the file). Sessions may
 * not write, rename or delete it (selfprot: SELFPROT_GRANTS), so an agent
 * cannot grant itself anything through it.
 */
#include "overlay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "daemon.h"
#include "log.h"
#include "redact.h"
#include "util.h"

#define OVERLAYS_MAX 256 /* files kept read; beyond, the oldest is read again when needed */

struct overlay {
	char *policy; /* the policy's path */
	char file[4096];
	struct policy_grants gs;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	bool seen; /* stat'ed at least once (absent counts) */
	struct overlay *next;
};

static struct overlay *overlays;
static size_t noverlays;

static void overlay_free(struct overlay *o)
{
	if (!o)
		return;
	policy_grants_free(&o->gs);
	free(o->policy);
	free(o);
}

static bool same_stat(const struct overlay *o, const struct stat *st)
{
	return o->seen && o->dev == st->st_dev && o->ino == st->st_ino &&
	       o->size == st->st_size &&
	       o->mtime.tv_sec == st->st_mtim.tv_sec &&
	       o->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* o's grants, read again if its file changed. */
static void refresh(struct overlay *o)
{
	struct stat st;
	if (stat(o->file, &st) < 0)
		memset(&st, 0, sizeof(st)); /* absent: no grants */
	if (same_stat(o, &st))
		return;
	policy_grants_free(&o->gs);
	o->seen = true;
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	o->size = st.st_size;
	o->mtime = st.st_mtim;
	if (!st.st_ino)
		return;
	struct yerror e = {0};
	int r = policy_grants_load(o->file, &o->gs, &e);
	if (r == -EINVAL)
		daemon_log("%s:%d:%d: error: %s (its grants are ignored: "
			   "their prompts ask again)",
			   o->file, e.line, e.col, e.msg);
	else if (r < 0 && r != -ENOENT)
		daemon_log("%s: cannot read: %s (its grants are ignored)",
			   o->file, strerror(-r));
}

static struct overlay *get(const char *policy_path)
{
	struct overlay **p = &overlays;
	for (; *p; p = &(*p)->next)
		if (!strcmp((*p)->policy, policy_path)) {
			refresh(*p);
			return *p;
		}
	if (noverlays >= OVERLAYS_MAX) { /* the oldest goes */
		struct overlay *old = overlays;
		overlays = old->next;
		overlay_free(old);
		noverlays--;
		for (p = &overlays; *p; p = &(*p)->next)
			;
	}
	struct overlay *o = calloc(1, sizeof(*o));
	if (!o || !(o->policy = strdup(policy_path)) ||
	    policy_grants_path(policy_path, o->file, sizeof(o->file)) < 0) {
		overlay_free(o);
		return NULL;
	}
	*p = o;
	noverlays++;
	refresh(o);
	return o;
}

const struct policy_grant *overlay_find(const char *policy_path,
					const struct policy_grant_call *c,
					char *where, size_t wsz)
{
	struct overlay *o = policy_path ? get(policy_path) : NULL;
	const struct policy_grant *g = o ? policy_grants_find(&o->gs, c) : NULL;
	if (g)
		snprintf(where, wsz, "%s:%d", o->file, g->line);
	return g;
}

/* One more than the largest N of the always-N in gs. */
static unsigned next_number(const struct policy_grants *gs)
{
	unsigned long n = 0;
	for (size_t i = 0; i < gs->n; i++) {
		const char *id = gs->v[i].id;
		char *end;
		if (id && !strncmp(id, "always-", 7)) {
			unsigned long v = strtoul(id + 7, &end, 10);
			if (!*end && v > n && v < UINT32_MAX)
				n = v;
		}
	}
	return (unsigned)n + 1;
}

int overlay_add(const char *policy_path, struct policy_grant *g,
		char *ret_id, size_t idsz, char *err, size_t errsz)
{
	struct overlay *o = get(policy_path);
	if (!o) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	/* read here, not from the cache: the file is the truth, and a
	 * corrupt one is the operator's to fix (never overwritten) */
	struct policy_grants gs = {0};
	struct yerror e = {0};
	int r = policy_grants_load(o->file, &gs, &e);
	if (r == -EINVAL) {
		snprintf(err, errsz,
			 "%s:%d:%d: %s (fix or remove it; nothing written)",
			 o->file, e.line, e.col, e.msg);
		return r;
	}
	if (r < 0 && r != -ENOENT) {
		snprintf(err, errsz, "%s: %s", o->file, strerror(-r));
		return r;
	}
	char id[32];
	snprintf(id, sizeof(id), "always-%u", next_number(&gs));
	free(g->id);
	g->id = strdup(id);
	struct policy_grant saved = *g;
	r = g->id ? policy_grants_add(&gs, g) : -ENOMEM;
	if (r == 0)
		r = policy_grants_write(o->file, &gs);
	if (r < 0) {
		snprintf(err, errsz, "cannot write %s: %s", o->file,
			 strerror(-r));
		/* g keeps what it had (gs took it only if the add worked) */
		if (gs.n && gs.v[gs.n - 1].id == saved.id) {
			*g = gs.v[gs.n - 1];
			memset(&gs.v[--gs.n], 0, sizeof(*gs.v));
		}
		policy_grants_free(&gs);
		return r;
	}
	policy_grants_free(&gs);
	o->seen = false; /* read again, with its lines */
	refresh(o);
	snprintf(ret_id, idsz, "%s", id);
	return 0;
}

static void audit_revoked(const struct overlay *o, const char *gid,
			  const char *rule, const char *what, uid_t by)
{
	if (!D.audit)
		return;
	char d[4200], shown[2048];
	snprintf(d, sizeof(d), "%s revoked from %s", gid, o->file);
	redact(what, shown, sizeof(shown));
	struct audit_rec r = {.uid = by,
			      .kind = "prompt",
			      .target = shown,
			      .rule = rule,
			      .tier = 3,
			      .action = "prompt",
			      .decision = "revoked",
			      .detail = d};
	audit_write(D.audit, &r);
}

int overlay_revoke(const char *id, uid_t by, char *err, size_t errsz)
{
	/* FILE:always-N names the file */
	const char *colon = strrchr(id, ':');
	const char *gid = colon ? colon + 1 : id;
	struct overlay *hit = NULL;
	for (struct overlay *o = overlays; o; o = o->next) {
		refresh(o);
		if (colon && (strncmp(o->file, id, (size_t)(colon - id)) ||
			      o->file[colon - id]))
			continue;
		for (size_t i = 0; i < o->gs.n; i++)
			if (o->gs.v[i].id && !strcmp(o->gs.v[i].id, gid)) {
				if (hit && hit != o) {
					snprintf(err, errsz,
						 "%s is in %s and %s: name it "
						 "FILE:%s",
						 gid, hit->file, o->file, gid);
					return -EEXIST;
				}
				hit = o;
			}
	}
	if (!hit) {
		snprintf(err, errsz, "no grant '%.60s'", id);
		return -ENOENT;
	}
	struct policy_grants gs = {0};
	struct yerror e = {0};
	char what[1024] = "", rule[128] = "";
	int r = policy_grants_load(hit->file, &gs, &e);
	for (size_t i = 0; r == 0 && i < gs.n; i++)
		if (gs.v[i].id && !strcmp(gs.v[i].id, gid)) {
			policy_grant_describe(&gs.v[i], what, sizeof(what));
			snprintf(rule, sizeof(rule), "%s", gs.v[i].rule);
		}
	if (r == 0)
		r = policy_grants_remove(&gs, gid);
	if (r == 0)
		r = policy_grants_write(hit->file, &gs);
	policy_grants_free(&gs);
	if (r < 0) {
		snprintf(err, errsz, "%s: %s", hit->file,
			 r == -EINVAL ? e.msg : strerror(-r));
		return r;
	}
	audit_revoked(hit, gid, rule, what, by);
	hit->seen = false;
	refresh(hit);
	return 0;
}

void overlay_each(void (*fn)(const struct policy_grant *, const char *file,
			     void *),
		  void *arg)
{
	for (struct overlay *o = overlays; o; o = o->next) {
		refresh(o);
		for (size_t i = 0; i < o->gs.n; i++)
			fn(&o->gs.v[i], o->file, arg);
	}
}

void overlay_reset(void)
{
	while (overlays) {
		struct overlay *o = overlays;
		overlays = o->next;
		overlay_free(o);
	}
	noverlays = 0;
}
