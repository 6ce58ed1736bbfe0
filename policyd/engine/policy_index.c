/* SPDX-License-Identifier: MIT */
/*
 * policy_index: candidate selection so that a decision does not evaluate
 * every rule. Each rule gets a rank (strictest action first, then file
 * order); candidates are a bitset of ranks, so the first candidate that
 * really matches is the decision. Rules are filed in byte tries under the
 * literal prefix of one of their ANDed fields (that field must match for
 * the rule to match, so the tries only ever over-approximate); a rule with
 * no usable prefix sits at a trie's root and is always a candidate.
 */
#include <errno.h>
#include <string.h>

#include "policy_internal.h"

static int trie_init(struct trie *t)
{
	t->nodes = calloc(1, sizeof(*t->nodes));
	if (!t->nodes)
		return -ENOMEM;
	t->n = 1;
	t->cap = 1;
	return 0;
}

static int trie_insert(struct trie *t, const uint8_t *key, size_t len,
		       uint32_t rank)
{
	uint32_t cur = 0;
	for (size_t i = 0; i < len; i++) {
		uint32_t c = t->nodes[cur].child;
		while (c && t->nodes[c].ch != key[i])
			c = t->nodes[c].sibling;
		if (!c) {
			if (t->n >= UINT32_MAX)
				return -E2BIG;
			if (tg_grow((void **)&t->nodes, &t->cap, t->n + 1,
				    sizeof(*t->nodes)) < 0)
				return -ENOMEM;
			c = (uint32_t)t->n++;
			memset(&t->nodes[c], 0, sizeof(t->nodes[c]));
			t->nodes[c].ch = key[i];
			t->nodes[c].sibling = t->nodes[cur].child;
			t->nodes[cur].child = c;
		}
		cur = c;
	}
	struct trie_node *nd = &t->nodes[cur];
	for (uint32_t i = 0; i < nd->nranks; i++)
		if (nd->ranks[i] == rank)
			return 0;
	if (nd->nranks == nd->capranks) {
		uint32_t nc = nd->capranks ? nd->capranks * 2 : 2;
		uint32_t *nr = realloc(nd->ranks, nc * sizeof(*nr));
		if (!nr)
			return -ENOMEM;
		nd->ranks = nr;
		nd->capranks = nc;
	}
	nd->ranks[nd->nranks++] = rank;
	return 0;
}

static inline void collect(const struct trie_node *nd, uint64_t *bits)
{
	for (uint32_t i = 0; i < nd->nranks; i++)
		bits[nd->ranks[i] >> 6] |= 1ULL << (nd->ranks[i] & 63);
}

static void trie_walk(const struct trie *t, const uint8_t *key, size_t len,
		      uint64_t *bits)
{
	if (!t->nodes)
		return;
	uint32_t cur = 0;
	collect(&t->nodes[0], bits);
	for (size_t i = 0; i < len; i++) {
		uint32_t c = t->nodes[cur].child;
		while (c && t->nodes[c].ch != key[i])
			c = t->nodes[c].sibling;
		if (!c)
			return;
		cur = c;
		collect(&t->nodes[cur], bits);
	}
}

static void trie_free(struct trie *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->nodes[i].ranks);
	free(t->nodes);
	memset(t, 0, sizeof(*t));
}

static int insert_str(struct trie *t, const char *s, uint32_t rank)
{
	return trie_insert(t, (const uint8_t *)s, strlen(s), rank);
}

static int insert_globs(struct trie *t, const struct globlist *l, uint32_t rank)
{
	for (size_t i = 0; i < l->n; i++) {
		int r = insert_str(t, glob_prefix(l->v[i]), rank);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Path globs: by literal prefix, or, for a glob with no prefix (such as
 * one starting with a double star), by its literal suffix in a trie of
 * reversed paths. */
static int insert_path_globs(struct trie *pre, struct trie *suf,
			     const struct globlist *l, uint32_t rank)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *px = glob_prefix(l->v[i]);
		const char *sx = glob_suffix(l->v[i]);
		int r;
		if (!*px && *sx) {
			size_t n = strlen(sx);
			uint8_t rev[GLOB_MAX_LEN];
			for (size_t k = 0; k < n; k++)
				rev[k] = (uint8_t)sx[n - 1 - k];
			r = trie_insert(suf, rev, n, rank);
		} else {
			r = insert_str(pre, px, rank);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static void walk_reversed(const struct trie *t, const char *s, uint64_t *bits)
{
	if (!s || t->n <= 1) {
		if (t->nodes)
			collect(&t->nodes[0], bits);
		return;
	}
	uint8_t rev[TG_PATH_MAX];
	size_t n = strlen(s);
	if (n > sizeof(rev))
		n = sizeof(rev);
	size_t len = strlen(s);
	for (size_t k = 0; k < n; k++)
		rev[k] = (uint8_t)s[len - 1 - k];
	trie_walk(t, rev, n, bits);
}

static int index_exec(struct policy *p, const struct rule *r)
{
	const struct exec_m *m = r->exec;
	if (m->path.set)
		return insert_path_globs(&p->idx[IDX_EXEC_PATH],
					 &p->idx[IDX_EXEC_SUFFIX], &m->path,
					 r->rank);
	if (m->argv.set) {
		/* every pattern needs a literal first token for the argv0
		 * trie; otherwise the rule is always a candidate */
		bool usable = true;
		for (size_t i = 0; i < m->argv.n; i++) {
			const struct glob *g = m->argv.v[i].tok[0];
			if (!g || strchr(glob_source(g), '/'))
				usable = false;
		}
		if (usable) {
			for (size_t i = 0; i < m->argv.n; i++) {
				int rr = insert_str(
				    &p->idx[IDX_EXEC_ARGV0],
				    glob_prefix(m->argv.v[i].tok[0]), r->rank);
				if (rr < 0)
					return rr;
			}
			return 0;
		}
	}
	return trie_insert(&p->idx[IDX_EXEC_PATH], NULL, 0, r->rank);
}

static int index_open(struct policy *p, const struct rule *r)
{
	const struct open_m *m = r->open;
	int rc = 0;
	if (m->path.set)
		rc = insert_path_globs(&p->idx[IDX_OPEN_PATH],
				       &p->idx[IDX_OPEN_SUFFIX], &m->path,
				       r->rank);
	else
		rc = trie_insert(&p->idx[IDX_OPEN_PATH], NULL, 0, r->rank);
	if (rc < 0 || !(m->access & POLICY_ACC_EXEC))
		return rc;
	/* an exec is also an "exec" access to the program's file */
	if (m->path.set)
		return insert_path_globs(&p->idx[IDX_EXEC_PATH],
					 &p->idx[IDX_EXEC_SUFFIX], &m->path,
					 r->rank);
	return trie_insert(&p->idx[IDX_EXEC_PATH], NULL, 0, r->rank);
}

static int index_connect(struct policy *p, const struct rule *r)
{
	const struct connect_m *m = r->connect;
	if (m->nhost == 0 && m->ncidr == 0)
		return trie_insert(&p->idx[IDX_HOST], NULL, 0, r->rank);
	for (size_t i = 0; i < m->nhost; i++) {
		const char *h = m->host[i];
		if (strcmp(h, "*") == 0) {
			int rr =
			    trie_insert(&p->idx[IDX_HOST], NULL, 0, r->rank);
			if (rr < 0)
				return rr;
			continue;
		}
		const char *base = strncmp(h, "*.", 2) == 0 ? h + 1 : h;
		size_t n = strlen(base);
		uint8_t rev[256];
		for (size_t k = 0; k < n && k < sizeof(rev); k++)
			rev[k] = (uint8_t)base[n - 1 - k];
		int rr =
		    trie_insert(&p->idx[IDX_HOST], rev,
				n < sizeof(rev) ? n : sizeof(rev), r->rank);
		if (rr < 0)
			return rr;
	}
	for (size_t i = 0; i < m->ncidr; i++) {
		int rr = trie_insert(&p->idx[IDX_ADDR], m->cidr[i].net.b,
				     m->cidr[i].plen / 8, r->rank);
		if (rr < 0)
			return rr;
	}
	return 0;
}

static int index_unix(struct policy *p, const struct rule *r)
{
	const struct unix_m *m = r->unix_;
	if (m->path.set)
		return insert_globs(&p->idx[IDX_UNIX], &m->path, r->rank);
	return trie_insert(&p->idx[IDX_UNIX], NULL, 0, r->rank);
}

static int index_git(struct policy *p, const struct rule *r)
{
	const struct git_m *m = r->git;
	if (m->command.set)
		return insert_globs(&p->idx[IDX_GIT], &m->command, r->rank);
	return trie_insert(&p->idx[IDX_GIT], NULL, 0, r->rank);
}

int policy_index_build(struct policy *p)
{
	p->words = (p->nrules + 63) / 64;
	if (p->words == 0)
		p->words = 1;
	p->by_rank = calloc(p->nrules + 1, sizeof(*p->by_rank));
	if (!p->by_rank)
		return -ENOMEM;
	/* rank = (action desc, file order asc): a counting sort */
	uint32_t k = 0;
	for (int a = POLICY_ACTION_MAX - 1; a >= 0; a--)
		for (size_t i = 0; i < p->nrules; i++)
			if ((int)p->rules[i].action == a) {
				p->rules[i].rank = k;
				p->by_rank[k++] = (uint32_t)i;
			}
	for (int i = 0; i < IDX_MAX; i++)
		if (trie_init(&p->idx[i]) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		int rc = 0;
		if (r->exec && (rc = index_exec(p, r)) < 0)
			return rc;
		if (r->open && (rc = index_open(p, r)) < 0)
			return rc;
		if (r->connect && (rc = index_connect(p, r)) < 0)
			return rc;
		if (r->unix_ && (rc = index_unix(p, r)) < 0)
			return rc;
		if (r->git && (rc = index_git(p, r)) < 0)
			return rc;
	}
	return 0;
}

void policy_index_free(struct policy *p)
{
	for (int i = 0; i < IDX_MAX; i++)
		trie_free(&p->idx[i]);
	free(p->by_rank);
	p->by_rank = NULL;
}

void policy_index_candidates(const struct policy *p,
			     const struct policy_event *ev, uint64_t *bits)
{
	memset(bits, 0, p->words * sizeof(uint64_t));
	switch (ev->kind) {
	case POLICY_EV_EXEC:
		trie_walk(&p->idx[IDX_EXEC_PATH], (const uint8_t *)ev->path,
			  ev->path ? strlen(ev->path) : 0, bits);
		walk_reversed(&p->idx[IDX_EXEC_SUFFIX], ev->path, bits);
		if (ev->argc > 0 && ev->argv[0]) {
			const char *b = tg_basename(ev->argv[0]);
			trie_walk(&p->idx[IDX_EXEC_ARGV0], (const uint8_t *)b,
				  strlen(b), bits);
		} else {
			trie_walk(&p->idx[IDX_EXEC_ARGV0], NULL, 0, bits);
		}
		/* the program's own names count as argv[0] too */
		for (size_t i = 0; i < ev->nnames; i++)
			if (ev->names[i]) {
				const char *b = tg_basename(ev->names[i]);
				trie_walk(&p->idx[IDX_EXEC_ARGV0],
					  (const uint8_t *)b, strlen(b), bits);
			}
		if (ev->git)
			trie_walk(
			    &p->idx[IDX_GIT], (const uint8_t *)ev->git->command,
			    ev->git->command ? strlen(ev->git->command) : 0,
			    bits);
		break;
	case POLICY_EV_OPEN:
		trie_walk(&p->idx[IDX_OPEN_PATH], (const uint8_t *)ev->path,
			  ev->path ? strlen(ev->path) : 0, bits);
		walk_reversed(&p->idx[IDX_OPEN_SUFFIX], ev->path, bits);
		break;
	case POLICY_EV_CONNECT: {
		if (ev->unix_path) {
			/* its connect rules, and the write rules of a named
			 * socket's file */
			trie_walk(&p->idx[IDX_UNIX],
				  (const uint8_t *)ev->unix_path,
				  strlen(ev->unix_path), bits);
			if (ev->path) {
				trie_walk(&p->idx[IDX_OPEN_PATH],
					  (const uint8_t *)ev->path,
					  strlen(ev->path), bits);
				walk_reversed(&p->idx[IDX_OPEN_SUFFIX],
					      ev->path, bits);
			}
			break;
		}
		uint8_t rev[256];
		size_t n = ev->host ? strlen(ev->host) : 0;
		if (n > sizeof(rev))
			n = sizeof(rev);
		for (size_t k = 0; k < n; k++)
			rev[k] = (uint8_t)ev->host[strlen(ev->host) - 1 - k];
		trie_walk(&p->idx[IDX_HOST], rev, n, bits);
		trie_walk(&p->idx[IDX_ADDR], ev->addr ? ev->addr->b : NULL,
			  ev->addr ? 16 : 0, bits);
		break;
	}
	case POLICY_EV_GIT:
		if (ev->git)
			trie_walk(
			    &p->idx[IDX_GIT], (const uint8_t *)ev->git->command,
			    ev->git->command ? strlen(ev->git->command) : 0,
			    bits);
		break;
	default:
		/* unknown kind: no candidates, the default decides */
		break;
	}
}
