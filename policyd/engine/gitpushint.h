/* SPDX-License-Identifier: MIT */
/*
 * gitpushint: what gitpush.c (a push's destinations and events) and
 * gitrefspec.c (its ref updates, as refspec.c and remote.c make them)
 * share.
 */
#ifndef TIERGATE_GITPUSHINT_H
#define TIERGATE_GITPUSHINT_H

#include <stdbool.h>
#include <stddef.h>

#include "gitint.h"
#include "gitremote.h"

#define UPD_NAMES 6

/* One ref update: the names it may land on, or all of them. */
struct upd {
	char *name[UPD_NAMES]; /* branches without refs/heads/ */
	size_t n;
	bool all; /* every branch: a glob, matching, or not known */
	bool force, del;
};

struct upds {
	struct upd *v;
	size_t n, cap;
	bool oom;
};

/* A push being read. */
struct pctx {
	const struct gitread *rd;
	struct gitremote_ctx rx;
	struct gitevs *out;
	/* flags of the push */
	bool force, mirror, all, prune, tags, deleterefs, lease;
	/* the remote being pushed to (for remote.NAME.push mappings) */
	const struct gitremote *remote;
};

void gitpush_upds_free(struct upds *u);
/* A new update (NULL, and u->oom, when out of memory). */
struct upd *gitpush_upd_new(struct upds *u, bool force, bool del);
/* One push refspec rs (parse_refspec, then what match_push_refs does);
 * explicit: named on the command line without ':'. */
void gitpush_refspec(struct pctx *p, struct upds *u, const char *rs,
		     bool explicit);
/* The ref updates of a push to remote r (may be NULL) with the positional
 * refspecs refs. */
void gitpush_updates(struct pctx *p, const struct gitremote *r,
		     const char *const *refs, size_t nrefs, struct upds *u);

#endif
