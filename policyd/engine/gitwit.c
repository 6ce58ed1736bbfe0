/* SPDX-License-Identifier: MIT */
#include "gitwit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "gitint.h"

struct git_witness *git_witness_new(void)
{
	return calloc(1, sizeof(struct git_witness));
}

void git_witness_free(struct git_witness *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].path);
	free(w->v);
	free(w);
}

size_t git_witness_count(const struct git_witness *w)
{
	return w ? w->n : 0;
}

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* What was found then and what is found now are the same file as then:
 * a directory by its identity (its entries are looked at by their own
 * paths; a name made or removed in it, a lock file of another git, is
 * none of this decision's business), anything else by its content's
 * timestamps too */
static bool same_file(const struct stat *a, const struct stat *b)
{
	if (a->st_dev != b->st_dev || a->st_ino != b->st_ino ||
	    (a->st_mode & S_IFMT) != (b->st_mode & S_IFMT))
		return false;
	if (S_ISDIR(a->st_mode))
		return true;
	return a->st_size == b->st_size &&
	       same_time(&a->st_mtim, &b->st_mtim) &&
	       same_time(&a->st_ctim, &b->st_ctim);
}

int git_witness_check(const struct git_witness *w, const char *root, char *why,
		      size_t whysz)
{
	if (w->full) {
		tg_strlcpy(why, whysz, "more files than policyd keeps");
		return 1;
	}
	struct git_ctx gx = {.root = root};
	struct gitfs fs;
	int r = gitfs_open(&fs, &gx);
	if (r < 0)
		return r;
	int ret = 0;
	for (size_t i = 0; i < w->n && !ret; i++) {
		struct stat st;
		int k = gitfs_probe(&fs, w->v[i].path, w->v[i].nofollow, &st);
		if (k != w->v[i].r || (!k && !same_file(&w->v[i].st, &st))) {
			tg_strlcpy(why, whysz, w->v[i].path);
			ret = 1;
		}
	}
	gitfs_close(&fs);
	return ret;
}
