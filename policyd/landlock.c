/* SPDX-License-Identifier: MIT */
#include "landlock.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tg_proto.h"
#include "util.h"

#define LL_BOUND_MAX 256 /* trees kept (a plan has a few dozen) */

struct ll_tree {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct ll_bound {
	struct ll_tree t[LL_BOUND_MAX];
	size_t n;
};

struct ll_bound *ll_bound_new(const char *const *trees, size_t n)
{
	struct ll_bound *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	for (size_t i = 0; i < n && b->n < LL_BOUND_MAX; i++) {
		struct stat st;
		/* agent-shell opens each tree with O_PATH, following links */
		if (stat(trees[i], &st) < 0)
			continue; /* not there: not in the domain either */
		char *p = strdup(trees[i]);
		if (!p)
			break;
		b->t[b->n++] = (struct ll_tree){
		    .dev = st.st_dev, .ino = st.st_ino, .path = p};
	}
	return b;
}

void ll_bound_free(struct ll_bound *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->t[i].path);
	free(b);
}

static bool is_tree(const struct ll_bound *b, const struct stat *st)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->t[i].dev == st->st_dev && b->t[i].ino == st->st_ino)
			return true;
	return false;
}

bool ll_bound_covers(const struct ll_bound *b, const char *path,
		     size_t root_len)
{
	char p[TGP_MAX_PATH + 64];
	if (tg_strlcpy(p, sizeof(p), path) >= sizeof(p))
		return true; /* cannot tell: say nothing */
	for (;;) {
		struct stat st;
		if (lstat(p, &st) == 0 && is_tree(b, &st))
			return true;
		char *slash = strrchr(p, '/');
		if (!slash || (size_t)(slash - p) < root_len)
			break;
		if ((size_t)(slash - p) == root_len) {
			/* the caller's "/" */
			slash[1] = '\0';
			if (stat(p, &st) == 0 && is_tree(b, &st))
				return true;
			break;
		}
		*slash = '\0';
	}
	return false;
}

void ll_bound_describe(const struct ll_bound *b, char *out, size_t outsz)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < b->n && o + 1 < outsz; i++) {
		int w = snprintf(out + o, outsz - o, "%s%s", i ? ", " : "",
				 b->t[i].path);
		if (w < 0 || (size_t)w >= outsz - o) {
			if (outsz > 4)
				memcpy(out + outsz - 4, "...", 4);
			return;
		}
		o += (size_t)w;
	}
}
