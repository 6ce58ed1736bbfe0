/* SPDX-License-Identifier: MIT */
/*
 * gitcompat: git_parse(), the one-event interface policyd and policyctl
 * call until they take a struct git_op. The op's events are merged into
 * one: every branch of every event, force or delete if any has them, the
 * remote name and URL only when every event has the same (else none: a
 * rule that allows by remote then does not match, one that refuses by
 * remote does not either), the command "push" if any event pushes, every
 * config key any event writes.
 */
#include <errno.h>
#include <string.h>

#include "gitint.h"
#include "gitremote.h"

bool git_url_equal(const char *a, const char *b, const char *cwd)
{
	char na[TG_PATH_MAX], nb[TG_PATH_MAX];
	gitremote_url_normal(NULL, a, cwd, na, sizeof(na));
	gitremote_url_normal(NULL, b, cwd, nb, sizeof(nb));
	return !strcmp(na, nb);
}

int git_event_format(const struct git_event *e, char *buf, size_t bufsz)
{
	struct strbuf b = {0};
	strbuf_printf(&b, "%s remote=%s url=%s branches=", e->command,
		      e->remote ? e->remote : "-",
		      e->remote_url ? e->remote_url : "-");
	for (size_t i = 0; i < e->nbranches; i++)
		strbuf_printf(&b, "%s%s", i ? "," : "", e->branches[i]);
	if (e->all_branches)
		strbuf_printf(&b, "%s*", e->nbranches ? "," : "");
	if (!e->nbranches && !e->all_branches)
		strbuf_puts(&b, "-");
	strbuf_printf(&b, " force=%s delete=%s", e->force ? "yes" : "no",
		      e->delete_refs ? "yes" : "no");
	/* git config's writes: keys, "SECTION.*" for a section, "*" */
	if (e->nconfig_keys || e->nconfig_sections || e->config_any) {
		const char *sep = " config_key=";
		for (size_t i = 0; i < e->nconfig_keys; i++, sep = ",")
			strbuf_printf(&b, "%s%s", sep, e->config_keys[i]);
		for (size_t i = 0; i < e->nconfig_sections; i++, sep = ",")
			strbuf_printf(&b, "%s%s.*", sep, e->config_sections[i]);
		if (e->config_any)
			strbuf_printf(&b, "%s*", sep);
	}
	if (e->shell_alias)
		strbuf_puts(&b, " (shell alias)");
	int n = snprintf(buf, bufsz, "%s", b.s ? b.s : "");
	strbuf_free(&b);
	return n;
}

void gitrepo_lookup(struct gitrepo_ctx *ctx, struct git_lookup *ret)
{
	ret->repo = ctx;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static char *dup_or_null(const char *s, bool *oom)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

int git_parse(const char *const *argv, size_t argc, const char *cwd,
	      const struct git_lookup *lk, struct git_event *ret)
{
	struct git_ctx ctx = {.cwd = cwd};
	if (lk && lk->repo) {
		ctx.root = lk->repo->root;
		ctx.home = lk->repo->home;
	} else {
		ctx.no_files = true;
	}
	struct git_op op;
	if (git_parse_op(argv, argc, &ctx, &op) < 0)
		return -ENOMEM;
	struct git_event g = {0};
	struct gitevs tmp = {0};
	bool oom = false;
	/* one command for all readings: push if any reading pushes (an
	 * alias, an autocorrection), the first otherwise */
	const struct git_event *f = &op.ev[0];
	for (size_t i = 0; i < op.nev; i++)
		if (!strcmp(op.ev[i].command, "push")) {
			f = &op.ev[i];
			break;
		}
	g.command = dup_or_null(f->command, &oom);
	bool rsame = true, usame = true;
	for (size_t i = 0; i < op.nev; i++) {
		const struct git_event *e = &op.ev[i];
		if (strcmp(e->command, f->command))
			continue;
		rsame &= same(e->remote, f->remote);
		usame &= same(e->remote_url, f->remote_url);
		g.force |= e->force;
		g.delete_refs |= e->delete_refs;
		g.all_branches |= e->all_branches;
		g.shell_alias |= e->shell_alias;
		for (size_t b = 0; b < e->nbranches; b++)
			gitevs_branch(&tmp, &g, e->branches[b]);
		for (size_t k = 0; k < e->nconfig_keys; k++)
			gitevs_strv(&tmp, &g.config_keys, &g.nconfig_keys,
				    e->config_keys[k]);
		for (size_t k = 0; k < e->nconfig_sections; k++)
			gitevs_strv(&tmp, &g.config_sections,
				    &g.nconfig_sections, e->config_sections[k]);
		g.config_any |= e->config_any;
	}
	g.remote = rsame ? dup_or_null(f->remote, &oom) : NULL;
	g.remote_url = usame ? dup_or_null(f->remote_url, &oom) : NULL;
	g.args = tg_strv_dup((const char *const *)f->args, f->nargs);
	g.nargs = f->nargs;
	git_op_free(&op);
	if (oom || tmp.oom || !g.args || !g.command) {
		git_event_free(&g);
		return -ENOMEM;
	}
	*ret = g;
	return 0;
}

void git_event_free(struct git_event *g)
{
	if (!g)
		return;
	char **args = g->args;
	size_t nargs = g->nargs;
	gitevs_event_free(g);
	for (size_t i = 0; i < nargs; i++)
		free(args[i]);
	free(args);
}
