/* SPDX-License-Identifier: MIT */
/* gitevs: the events of a struct git_op while they are built. */
#include <errno.h>
#include <string.h>

#include "gitint.h"

void gitevs_unsure(struct gitevs *e, const char *why)
{
	if (!e->unsure)
		tg_strlcpy(e->why, sizeof(e->why), why);
	e->unsure = true;
}

struct git_event *gitevs_add(struct gitevs *e, const char *command)
{
	if (e->oom)
		return NULL;
	if (e->n >= GIT_OP_EVENTS_MAX * 2) {
		/* callers collapse before this; a last guard */
		gitevs_unsure(e, "too many events");
		return NULL;
	}
	if (tg_grow((void **)&e->v, &e->cap, e->n + 1, sizeof(*e->v)) < 0) {
		e->oom = true;
		return NULL;
	}
	struct git_event *ev = &e->v[e->n];
	memset(ev, 0, sizeof(*ev));
	if (!(ev->command = strdup(command))) {
		e->oom = true;
		return NULL;
	}
	e->n++;
	return ev;
}

void gitevs_strv(struct gitevs *e, char ***v, size_t *n, const char *s)
{
	if (e->oom)
		return;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return;
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));
	if (!nv) {
		e->oom = true;
		return;
	}
	*v = nv;
	if (!(nv[*n] = strdup(s))) {
		e->oom = true;
		return;
	}
	nv[++*n] = NULL;
}

void gitevs_branch(struct gitevs *e, struct git_event *ev, const char *name)
{
	gitevs_strv(e, &ev->branches, &ev->nbranches, name);
}

bool gitevs_set(struct gitevs *e, char **field, const char *value)
{
	free(*field);
	*field = NULL;
	if (!value || e->oom)
		return !e->oom;
	if (!(*field = strdup(value)))
		e->oom = true;
	return !e->oom;
}

/* Frees one event's own strings (args are the op's). */
void gitevs_event_free(struct git_event *ev)
{
	free(ev->command);
	free(ev->remote);
	free(ev->remote_url);
	for (size_t i = 0; i < ev->nbranches; i++)
		free(ev->branches[i]);
	free(ev->branches);
	tg_strv_free(ev->config_keys);
	tg_strv_free(ev->config_sections);
	memset(ev, 0, sizeof(*ev));
}

void gitevs_args(struct gitevs *e, size_t from, const char *const *args,
		 size_t nargs)
{
	if (e->oom)
		return;
	char **v = tg_strv_dup(args, nargs);
	if (!v || tg_grow((void **)&e->sets, &e->capsets, e->nsets + 1,
			  sizeof(*e->sets)) < 0) {
		tg_strv_free(v);
		e->oom = true;
		return;
	}
	e->sets[e->nsets++] = v;
	for (size_t i = from; i < e->n; i++) {
		e->v[i].args = v;
		e->v[i].nargs = nargs;
	}
}

void gitevs_free(struct gitevs *e)
{
	for (size_t i = 0; i < e->n; i++)
		gitevs_event_free(&e->v[i]);
	free(e->v);
	for (size_t i = 0; i < e->nsets; i++)
		tg_strv_free(e->sets[i]);
	free(e->sets);
	memset(e, 0, sizeof(*e));
}

int gitevs_opts(struct gitevs *out, const struct gitopt *table,
		const struct gitread *rd, unsigned flags,
		struct gitopt_result *o)
{
	if (gitopt_parse(table, rd->args, rd->nargs, flags, o) < 0) {
		out->oom = true;
		return -1;
	}
	if (o->help && !o->error) { /* git prints the usage and stops */
		gitopt_result_free(o);
		return 1;
	}
	return 0;
}
