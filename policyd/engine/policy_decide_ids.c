/* SPDX-License-Identifier: MIT */
/*
 * policy_decide_ids: the programs refusing exec rules name, known by
 * content (progid.h), so that a copy or a hard link of a denied program
 * under another name is still the denied program.
 *
 * A rule that denies or prompts names programs by path globs and by the
 * first token of argv patterns. Each literal one (no wildcard) is a
 * program: an absolute path as written, a bare name ("sudo **") every file
 * of that name in the default PATH directories. Their identities (device,
 * inode, size, SHA-256) are taken when first needed and again when older
 * than 5 s (a package upgrade replaces a program), under ids->lock. An
 * exec whose file is one of them (same file, or same size and bytes) is
 * matched against the rule as if it ran under that program's path too.
 * Wildcard patterns ("/usr/bin/gcc*") name no one program: they stay
 * matched by name only (docs/threat-model.md).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy_internal.h"
#include "progid.h"
#include "sys.h"
#include "util.h"

#define IDS_MAX 64
#define IDS_REFRESH_NS 5000000000ULL
#define IDS_PATH_DIRS                                                          \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct id_ent {
	uint32_t rule;
	char *path;
	struct progid id;
	bool ok; /* id holds the program's identity now */
};

struct policy_ids {
	pthread_mutex_t lock;
	uint64_t at; /* when ids were taken; 0 never */
	struct id_ent v[IDS_MAX];
	size_t n;
	uint64_t *bits; /* the ranks of rules with entries (p->words) */
};

static int ids_add(struct policy_ids *ids, uint32_t rule, const char *path)
{
	for (size_t i = 0; i < ids->n; i++)
		if (ids->v[i].rule == rule && !strcmp(ids->v[i].path, path))
			return 0;
	if (ids->n == IDS_MAX)
		return -E2BIG; /* beyond: those programs by name only */
	char *d = strdup(path);
	if (!d)
		return -ENOMEM;
	ids->v[ids->n++] = (struct id_ent){.rule = rule, .path = d};
	return 0;
}

/* A bare name: every file of that name in the default PATH. */
static int ids_add_name(struct policy_ids *ids, uint32_t rule, const char *name)
{
	const char *p = IDS_PATH_DIRS;
	while (*p) {
		size_t n = strcspn(p, ":");
		char path[TG_PATH_MAX];
		struct stat st;
		if ((size_t)snprintf(path, sizeof(path), "%.*s/%s", (int)n, p,
				     name) < sizeof(path) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			int r = ids_add(ids, rule, path);
			if (r < 0)
				return r;
		}
		p += n + (p[n] == ':');
	}
	return 0;
}

static int ids_rule(struct policy_ids *ids, uint32_t ri, const struct rule *r)
{
	const struct exec_m *x = r->exec;
	int ret = 0;
	for (size_t i = 0; i < x->path.n && ret >= 0; i++) {
		const struct glob *g = x->path.v[i];
		if (glob_is_literal(g) && glob_prefix(g)[0] == '/')
			ret = ids_add(ids, ri, glob_prefix(g));
	}
	for (size_t i = 0; i < x->argv.n && ret >= 0; i++) {
		const struct argvpat *ap = &x->argv.v[i];
		const struct glob *g = ap->n ? ap->tok[0] : NULL;
		if (!g || !glob_is_literal(g))
			continue;
		const char *s = glob_prefix(g);
		if (s[0] == '/')
			ret = ids_add(ids, ri, s);
		else if (s[0] && !strchr(s, '/'))
			ret = ids_add_name(ids, ri, s);
	}
	return ret;
}

int policy_ids_build(struct policy *p)
{
	struct policy_ids *ids = calloc(1, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	pthread_mutex_init(&ids->lock, NULL);
	int r = 0;
	for (size_t i = 0; i < p->nrules && r >= 0; i++) {
		const struct rule *ru = &p->rules[i];
		if (ru->exec && ru->action >= POLICY_PROMPT)
			r = ids_rule(ids, (uint32_t)i, ru);
	}
	if (r == -E2BIG)
		r = 0;
	if (r == 0 && ids->n) {
		ids->bits = calloc(p->words ? p->words : 1, sizeof(uint64_t));
		if (!ids->bits)
			r = -ENOMEM;
		for (size_t i = 0; r == 0 && i < ids->n; i++) {
			uint32_t rank = p->rules[ids->v[i].rule].rank;
			ids->bits[rank / 64] |= 1ULL << (rank % 64);
		}
	}
	p->ids = ids;
	return r;
}

void policy_ids_free(struct policy *p)
{
	struct policy_ids *ids = p->ids;
	if (!ids)
		return;
	for (size_t i = 0; i < ids->n; i++)
		free(ids->v[i].path);
	free(ids->bits);
	pthread_mutex_destroy(&ids->lock);
	free(ids);
	p->ids = NULL;
}

static void ids_refresh_locked(struct policy_ids *ids)
{
	uint64_t now = tg_mono_ns();
	if (ids->at && now - ids->at <= IDS_REFRESH_NS)
		return;
	for (size_t i = 0; i < ids->n; i++)
		ids->v[i].ok =
		    progid_of_path(ids->v[i].path, &ids->v[i].id) == 0;
	ids->at = now;
}

void policy_ids_candidates(const struct policy *p,
			   const struct policy_event *ev, uint64_t *bits)
{
	const struct policy_ids *ids = p->ids;
	if (ev->kind != POLICY_EV_EXEC || !ev->prog || !ids || !ids->n)
		return;
	/* without the bit set (out of memory at load) every rule is one */
	for (size_t w = 0; w < p->words; w++)
		bits[w] |= ids->bits ? ids->bits[w] : ~0ULL;
}

const char *policy_ids_match(const struct policy *p, uint32_t ri,
			     const struct policy_event *ev, size_t *iter)
{
	struct policy_ids *ids = p->ids;
	if (ev->kind != POLICY_EV_EXEC || !ev->prog || !ids)
		return NULL;
	for (size_t i = *iter; i < ids->n; i++) {
		if (ids->v[i].rule != ri)
			continue;
		pthread_mutex_lock(&ids->lock);
		ids_refresh_locked(ids);
		struct id_ent e = ids->v[i];
		pthread_mutex_unlock(&ids->lock);
		/* bytes that cannot be read, of a program the size of a
		 * refused one: taken to be it (fail closed) */
		if (e.ok && progid_file_is(ev->prog, &e.id, true)) {
			*iter = i + 1;
			return e.path; /* owned by p, never changed */
		}
	}
	*iter = ids->n;
	return NULL;
}

size_t policy_ids_export(const struct policy *p, struct sys_git_id *out,
			 size_t max)
{
	struct policy_ids *ids = p->ids;
	size_t n = 0;
	if (!ids)
		return 0;
	pthread_mutex_lock(&ids->lock);
	ids_refresh_locked(ids);
	for (size_t i = 0; i < ids->n; i++) {
		const struct progid *id = &ids->v[i].id;
		bool dup = !ids->v[i].ok;
		for (size_t j = 0; j < i && !dup; j++)
			dup = ids->v[j].ok && ids->v[j].id.size == id->size &&
			      ids->v[j].id.dev == id->dev &&
			      ids->v[j].id.ino == id->ino;
		if (dup)
			continue;
		if (n < max)
			out[n] = (struct sys_git_id){
			    .dev = id->dev, .ino = id->ino, .size = id->size};
		n++;
	}
	pthread_mutex_unlock(&ids->lock);
	return n;
}
