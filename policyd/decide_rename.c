/* SPDX-License-Identifier: MIT */
#include "decide_rename.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chase.h"
#include "session.h"
#include "util.h"

#define TREE_ACCESS (POLICY_ACC_WRITE | POLICY_ACC_CREATE | POLICY_ACC_DELETE)

struct tree_walk {
	const struct policy *p;
	const char *from, *to; /* the names: content of from lands at to */
	char rel[TG_PATH_MAX];
	size_t n;	 /* entries seen */
	bool incomplete; /* a cap was reached, or a directory unreadable */
	struct outcome *o;
	struct policy_decision *best;
};

/* rel's decision under one name (base/rel), taken when stricter: as a
 * file changed, and a socket also as one connected to (a socket a rule
 * keeps the session from must not be reached under another name). */
static void tree_one(struct tree_walk *w, const char *base, bool sock)
{
	char path[TG_PATH_MAX * 2 + 2];
	snprintf(path, sizeof(path), "%s/%s", base, w->rel);
	struct policy_event ev = {
	    .kind = POLICY_EV_OPEN, .path = path, .access = TREE_ACCESS};
	struct policy_decision d, ds;
	policy_decide(w->p, &ev, &d);
	if (sock) {
		ev = (struct policy_event){
		    .kind = POLICY_EV_CONNECT, .path = path, .unix_path = path};
		policy_decide(w->p, &ev, &ds);
		if (ds.rule >= 0 && policy_decision_stricter(w->p, &ds, &d))
			d = ds;
	}
	if (d.rule < 0 || !policy_decision_stricter(w->p, &d, w->best))
		return;
	*w->best = d;
	snprintf(w->o->detail, sizeof(w->o->detail),
		 "the rename moves %.400s (rule %.64s)", path, d.rule_id);
}

/* A symlink moved to w->to/rel brings what it points to below that name
 * (decide_alias): a rule that could match below it only because of the
 * name, taken when stricter. */
static void tree_alias(struct tree_walk *w)
{
	char path[TG_PATH_MAX * 2 + 2];
	snprintf(path, sizeof(path), "%s/%s", w->to, w->rel);
	struct policy_decision d;
	policy_below_by_name(w->p, path, TREE_ACCESS, &d);
	if (d.rule < 0 || !policy_decision_stricter(w->p, &d, w->best))
		return;
	*w->best = d;
	snprintf(w->o->detail, sizeof(w->o->detail),
		 "the rename moves a symlink to %.300s (rule %.64s)", path,
		 d.rule_id);
}

/* Every entry of the open directory dfd (rel: its path below the top,
 * rl bytes of w->rel), depth levels down. */
static void tree_dir(struct tree_walk *w, int dfd, size_t rl, int depth)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		w->incomplete = true;
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		if (!strcmp(nm, ".") || !strcmp(nm, ".."))
			continue;
		if (++w->n > RENAME_TREE_MAX) {
			w->incomplete = true;
			break;
		}
		size_t nl = strlen(nm);
		if (rl + nl + 2 >= sizeof(w->rel)) {
			w->incomplete = true;
			continue;
		}
		if (rl)
			w->rel[rl] = '/';
		memcpy(w->rel + rl + (rl ? 1 : 0), nm, nl + 1);
		size_t sub = rl + (rl ? 1 : 0) + nl;
		bool sock = de->d_type == DT_SOCK || de->d_type == DT_UNKNOWN;
		tree_one(w, w->from, sock);
		tree_one(w, w->to, sock);
		if (de->d_type == DT_LNK || de->d_type == DT_UNKNOWN)
			tree_alias(w);
		if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN) {
			int cfd = openat(dirfd(d), nm,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					     O_CLOEXEC);
			if (cfd >= 0) {
				if (depth + 1 > RENAME_TREE_DEPTH) {
					close(cfd);
					w->incomplete = true;
				} else {
					tree_dir(w, cfd, sub, depth + 1);
				}
			} else if (errno != ENOTDIR && errno != ELOOP) {
				w->incomplete = true;
			}
		}
		w->rel[rl] = '\0';
	}
	closedir(d);
}

/* The entries below from (resolved, in c's view) as moved to to. */
static void tree_walk(struct caller *c, struct tree_walk *w)
{
	char view[TG_PATH_MAX + 32];
	chase_view(c, w->from, view, sizeof(view));
	/* self_refuses's lstat of it, in this decision: a file or a symlink
	 * has nothing below it, as the open below would say (ENOTDIR, ELOOP) */
	const struct chase_memo *m = c->memo;
	if (m && m->lstat_r == 0 && !S_ISDIR(m->lmode) &&
	    !strcmp(m->lstatted, view))
		return;
	int fd = open(view, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		/* not a directory (nothing below it), or gone: the rename
		 * fails or moves no tree; anything else: cannot tell */
		if (errno != ENOTDIR && errno != ENOENT && errno != ELOOP)
			w->incomplete = true;
		return;
	}
	w->rel[0] = '\0';
	tree_dir(w, fd, 0, 0);
}

/* Is real (resolved, in c's view) a symlink now? The own-state check's
 * lstat of it in this decision when it made one (chase_memo). */
static bool symlink_now(struct caller *c, const char *real)
{
	char view[TG_PATH_MAX + 32];
	chase_view(c, real, view, sizeof(view));
	const struct chase_memo *m = c->memo;
	if (m && m->lstat_r == 0 && !strcmp(m->lstatted, view))
		return S_ISLNK(m->lmode);
	struct stat st;
	if (lstat(view, &st) == 0)
		return S_ISLNK(st.st_mode);
	/* nothing there: nothing to move; anything else (policyd may not
	 * look): it may be one */
	return errno != ENOENT && errno != ENOTDIR;
}

void decide_alias(struct caller *c, const char *name, const char *is_symlink,
		  struct outcome *o)
{
	const struct policy *p = c->s->policy;
	/* first what the decision's own lstat says (git renames and links
	 * files, hundreds a run): the patterns only for a symlink */
	if (is_symlink && !symlink_now(c, is_symlink))
		return;
	struct policy_decision below;
	policy_below_by_name(p, name, TREE_ACCESS, &below);
	if (below.rule < 0 || !policy_decision_stricter(p, &below, &o->d))
		return;
	o->d = below;
	snprintf(o->detail, sizeof(o->detail),
		 "a symlink at %.300s would make what it points to reachable "
		 "below it, where rule %.64s protects paths",
		 name, below.rule_id);
}

void decide_rename_tree(struct caller *c, const char *old, const char *new_,
			bool exchange, struct outcome *o)
{
	const struct policy *p = c->s->policy;
	struct policy_decision below, b2;
	/* only a rule stricter than the names' decision can change it */
	policy_below(p, old, TREE_ACCESS, &below);
	policy_below(p, new_, TREE_ACCESS, &b2);
	if (policy_decision_stricter(p, &b2, &below))
		below = b2;
	if (below.rule < 0 || !policy_decision_stricter(p, &below, &o->d))
		return;
	struct tree_walk w = {
	    .p = p, .from = old, .to = new_, .o = o, .best = &o->d};
	tree_walk(c, &w);
	if (exchange) {
		w.from = new_;
		w.to = old;
		tree_walk(c, &w);
	}
	if (w.incomplete && policy_decision_stricter(p, &below, &o->d)) {
		/* what could not be seen may be what the rule protects */
		o->d = below;
		snprintf(o->detail, sizeof(o->detail),
			 "the rename moves a tree policyd did not look "
			 "through (over %d entries, %d levels, or unreadable) "
			 "where rule %.64s may protect something",
			 RENAME_TREE_MAX, RENAME_TREE_DEPTH, below.rule_id);
	}
}
