/* SPDX-License-Identifier: MIT */
/*
 * gitlocal: the events of commands that do not send anything to a remote:
 * fetch, pull, ls-remote and clone (the remote they read from and its URL,
 * as remote.c resolves it: insteadOf, the first url), and the commands
 * that move local refs or discard work (reset --hard, branch -D, tag -d,
 * checkout -B, switch -C, clean -f, rebase, merge): the branches they
 * name and their force/delete flags; a clone's config (gitnewrepo.c).
 * Options are read with git's tables (gitopt.c), so "--har" is --hard and
 * "-fd" forces.
 */
#include <errno.h>
#include <string.h>

#include "gitint.h"
#include "gitremote.h"

struct lflags {
	bool force, del, all;
	const char *remote_opt; /* clone -o */
};

static void fold(const struct gitopt_result *o, struct lflags *f,
		 struct gitevs *out, struct git_event *ev)
{
	for (size_t i = 0; i < o->nhits; i++) {
		const struct gitopt_hit *h = &o->hits[i];
		bool on = !h->unset;
		switch (h->id) {
		case GO_FORCE:
		case GO_HARD:
		case GO_FORCE_MOVE:
			f->force = on;
			break;
		case GO_FORCE_CREATE:
			f->force = on;
			if (on && h->value)
				gitevs_branch(out, ev, h->value);
			break;
		case GO_FORCE_DELETE:
			f->force = f->del = on;
			break;
		case GO_DELETE:
		case GO_PRUNE:
			f->del = on;
			break;
		case GO_ALL:
		case GO_MULTIPLE:
			f->all = on;
			break;
		case GO_REMOTE:
			f->remote_opt = on ? h->value : NULL;
			break;
		case GO_BRANCH:
			if (on && h->value)
				gitevs_branch(out, ev, h->value);
			break;
		default:
			break;
		}
	}
}

/* The remote a fetch-like command reads: its name (NULL for a URL) and
 * its first URL (transport_get uses url[0]). */
static void fetch_remote(const struct gitread *rd, struct gitevs *out,
			 struct git_event *ev, const char *name)
{
	struct gitremote_ctx x;
	if (gitremote_ctx_init(&x, rd->fs, rd->repo, rd->cfg) < 0) {
		out->oom = true;
		return;
	}
	char **names = NULL;
	size_t nn = 0;
	bool given = true;
	int r = 0;
	if (name)
		r = tg_strv_push(&names, &nn, name, true);
	else
		r = gitremote_default(&x, false, &names, &nn, &given);
	if (r == 0 && nn > 0) {
		struct gitremote rem;
		if (gitremote_get(&x, names[0], given, &rem) < 0) {
			r = -ENOMEM;
		} else {
			gitevs_set(out, &ev->remote,
				   rem.is_url ? NULL : rem.name);
			gitevs_set(out, &ev->remote_url,
				   rem.nurl ? rem.url[0] : NULL);
			gitremote_free(&rem);
		}
	}
	if (r < 0)
		out->oom = true;
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	gitremote_ctx_free(&x);
}

static void fetchlike(const struct gitread *rd, struct gitevs *out,
		      struct git_event *ev, const struct gitopt_result *o,
		      const struct lflags *f)
{
	const char *cmd = rd->command;
	if (!strcmp(cmd, "clone")) {
		if (o->nargs > 0) {
			gitevs_set(out, &ev->remote,
				   f->remote_opt ? f->remote_opt : "origin");
			struct gitremote_ctx x;
			if (gitremote_ctx_init(&x, rd->fs, rd->repo, rd->cfg) <
			    0) {
				out->oom = true;
				return;
			}
			struct gitremote rem;
			if (gitremote_get(&x, o->args[0], true, &rem) < 0) {
				out->oom = true;
			} else {
				gitevs_set(out, &ev->remote_url,
					   rem.nurl ? rem.url[0] : o->args[0]);
				gitremote_free(&rem);
			}
			gitremote_ctx_free(&x);
		}
		return;
	}
	if (f->all && !strcmp(cmd, "fetch")) {
		/* --all, --multiple: several remotes */
		ev->all_branches = true;
		return;
	}
	fetch_remote(rd, out, ev, o->nargs ? o->args[0] : NULL);
	if (!strcmp(cmd, "ls-remote"))
		return;
	for (size_t i = 1; i < o->nargs; i++) {
		const char *rs = o->args[i];
		if (rs[0] == '+')
			rs++;
		size_t sl = strcspn(rs, ":");
		char src[1024];
		snprintf(src, sizeof(src), "%.*s", (int)sl, rs);
		if (!strncmp(src, "refs/heads/", 11))
			memmove(src, src + 11, strlen(src + 11) + 1);
		if (strchr(src, '*'))
			ev->all_branches = true;
		else if (*src)
			gitevs_branch(out, ev, src);
	}
}

void gitlocal_events(const struct gitread *rd, struct gitevs *out)
{
	const char *cmd = rd->command;
	const struct gitopt *t = gitopt_table(cmd);
	struct git_event *ev = gitevs_add(out, cmd);
	if (!ev)
		return;
	if (!t) {
		/* no table: rebase, merge and the rest; branch names as
		 * written for the ones that take them */
		bool named = !strcmp(cmd, "rebase") || !strcmp(cmd, "merge");
		for (size_t i = 0; named && i < rd->nargs; i++)
			if (rd->args[i][0] != '-')
				gitevs_branch(out, ev, rd->args[i]);
		if (!strcmp(cmd, "rebase") && rd->repo->found &&
		    rd->repo->head == GITREPO_HEAD_BRANCH)
			gitevs_branch(out, ev, rd->repo->head_ref + 11);
		return;
	}
	struct gitopt_result o;
	int r = gitevs_opts(out, t, rd, 0, &o);
	if (r == 1)
		gitevs_set(out, &ev->command, "help");
	if (r)
		return;
	if (o.error)
		gitevs_unsure(out, "an option git refuses or reads otherwise");
	struct lflags f = {0};
	fold(&o, &f, out, ev);
	ev->force = f.force;
	ev->delete_refs = f.del;
	if (!strcmp(cmd, "fetch") || !strcmp(cmd, "pull") ||
	    !strcmp(cmd, "clone") || !strcmp(cmd, "ls-remote")) {
		fetchlike(rd, out, ev, &o, &f);
		if (!strcmp(cmd, "clone"))
			gitnewrepo_clone(rd, &o, out, ev);
	} else if (strcmp(cmd, "clean")) {
		/* reset, branch, tag, checkout, switch: what they name */
		for (size_t i = 0; i < o.nargs; i++)
			gitevs_branch(out, ev, o.args[i]);
		if (!o.nargs && !strcmp(cmd, "reset") && rd->repo->found &&
		    rd->repo->head == GITREPO_HEAD_BRANCH)
			gitevs_branch(out, ev, rd->repo->head_ref + 11);
	}
	gitopt_result_free(&o);
}
