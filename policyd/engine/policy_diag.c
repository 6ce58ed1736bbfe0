/* SPDX-License-Identifier: MIT */
/* policy_diag: the diagnostics list of a policy load. */
#include "policy_diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Is this finding in the list already? */
static bool known(const struct policy_diags *d, const char *file, int line,
		  int col, bool warning, const char *msg)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct policy_diag *g = &d->v[i];
		if (g->line == line && g->col == col && g->warning == warning &&
		    !strcmp(g->msg, msg) && !strcmp(g->file, file))
			return true;
	}
	return false;
}

int policy_diag_add(struct policy_diags *d, const char *file, int line, int col,
		    bool warning, const char *fmt, ...)
{
	if (!d)
		return 0;
	if (!file)
		file = "<policy>";
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	/* each finding once, however many ways the loader came upon it */
	if (known(d, file, line, col, warning, tmp))
		return 0;
	if (warning)
		d->nwarnings++;
	else
		d->nerrors++;
	if (d->n >= POLICY_MAX_DIAGS) {
		d->truncated = true;
		return 0;
	}
	if (tg_grow((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v)) < 0)
		return -ENOMEM;
	struct policy_diag *g = &d->v[d->n];
	g->file = strdup(file);
	g->line = line;
	g->col = col;
	g->warning = warning;
	g->msg = strdup(tmp);
	if (!g->file || !g->msg) {
		free(g->file);
		free(g->msg);
		return -ENOMEM;
	}
	d->n++;
	return 0;
}

void policy_diags_free(struct policy_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}
