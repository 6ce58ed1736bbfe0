/* SPDX-License-Identifier: MIT */
#include "glob.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

enum op_type {
	OP_LIT,
	OP_ANY,	     /* ? */
	OP_CLASS,    /* [...] */
	OP_STAR,     /* *, not across '/' in path mode */
	OP_GLOBSTAR, /* ** anywhere, or any * in token mode */
	OP_GSDIR,    /* '**' + '/': zero or more whole directories */
	OP_TAILDIR, /* '/' + '**' at the end: end of input, or '/' then anything
		     */
	OP_MAX,
};

struct op {
	uint8_t type;
	uint8_t ch;
	uint16_t cls;
};

#define MAX_OPS 1024
#define MAX_WORDS ((MAX_OPS + 1 + 63) / 64)

enum glob_kind {
	GK_LITERAL, /* exact string */
	GK_TREE,    /* prefix, then end or '/' */
	GK_ALL,	    /* everything */
	GK_NFA,
	GK_MAX,
};

struct glob {
	enum glob_mode mode;
	enum glob_kind kind;
	char *src; /* these three are in the glob's own allocation */
	size_t src_len;
	char *prefix; /* leading literal bytes */
	size_t prefix_len;
	char *suffix; /* trailing literal bytes (NFA kind only) */
	size_t suffix_len;
	size_t prefix_ops; /* ops consumed by the prefix */
	struct op *ops;
	size_t nops;
	uint8_t (*cls)[32];
	size_t ncls;
	bool owned; /* glob_compile's block, freed by glob_free; false: the
		       caller's memory (glob_compile_in) */
};

static bool cls_has(const uint8_t *bm, unsigned char c)
{
	return bm[c >> 3] & (1u << (c & 7));
}

static void cls_set(uint8_t *bm, unsigned char c)
{
	bm[c >> 3] |= (uint8_t)(1u << (c & 7));
}

struct builder {
	struct op *ops;
	size_t n, cap;
	uint8_t (*cls)[32];
	size_t ncls, clscap; /* ops and cls are laid out at their most in the
				glob's block (glob_compile_in): never grown */
};

static int emit(struct builder *b, enum op_type t, unsigned char ch, size_t cls)
{
	if (b->n >= MAX_OPS)
		return -E2BIG;
	if (b->n >= b->cap) /* laid out at its most: never reached */
		return -ENOMEM;
	b->ops[b->n++] =
	    (struct op){.type = (uint8_t)t, .ch = ch, .cls = (uint16_t)cls};
	return 0;
}

static bool last_is_slash(const struct builder *b)
{
	return b->n > 0 && b->ops[b->n - 1].type == OP_LIT &&
	       b->ops[b->n - 1].ch == '/';
}

/* Parses a class starting at pat[i] == '['; returns index after ']'. */
static int parse_class(struct builder *b, const char *pat, size_t i,
		       size_t *ret_next, const char **ret_err)
{
	uint8_t bm[32] = {0};
	size_t j = i + 1;
	bool neg = false;
	if (pat[j] == '!' || pat[j] == '^') {
		neg = true;
		j++;
	}
	bool first = true;
	for (;;) {
		unsigned char c = (unsigned char)pat[j];
		if (!c) {
			*ret_err = "unterminated character class '[': close it "
				   "with ']', or write \\[ for a '['";
			return -EINVAL;
		}
		if (c == ']' && !first)
			break;
		first = false;
		if (c == '\\') {
			if (!pat[j + 1]) {
				*ret_err =
				    "pattern ends with a lone backslash: write "
				    "\\\\ for a backslash";
				return -EINVAL;
			}
			c = (unsigned char)pat[++j];
		}
		j++;
		if (pat[j] == '-' && pat[j + 1] && pat[j + 1] != ']') {
			unsigned char hi = (unsigned char)pat[j + 1];
			size_t adv = 2;
			if (hi == '\\') {
				if (!pat[j + 2]) {
					*ret_err = "pattern ends with a lone "
						   "backslash: write \\\\ for "
						   "a backslash";
					return -EINVAL;
				}
				hi = (unsigned char)pat[j + 2];
				adv = 3;
			}
			if (hi < c) {
				*ret_err =
				    "character class range is reversed: write "
				    "the lower end first, as in [a-z]";
				return -EINVAL;
			}
			for (unsigned x = c; x <= hi; x++)
				cls_set(bm, (unsigned char)x);
			j += adv;
		} else {
			cls_set(bm, c);
		}
	}
	if (neg)
		for (size_t k = 0; k < 32; k++)
			bm[k] = (uint8_t)~bm[k];
	bm[0] &= (uint8_t)~1u; /* never NUL */
	if (b->ncls >= b->clscap) /* as for the ops */
		return -ENOMEM;
	memcpy(b->cls[b->ncls], bm, 32);
	int r = emit(b, OP_CLASS, 0, b->ncls);
	if (r < 0)
		return r;
	b->ncls++;
	*ret_next = j + 1;
	return 0;
}

/* In path mode, is the segment starting at pat[i] exactly "." or ".."?
 * Returns its length (1 or 2) or 0. */
static size_t dot_segment(const char *pat, size_t i)
{
	if (pat[i] != '.')
		return 0;
	if (pat[i + 1] == '/' || pat[i + 1] == '\0')
		return 1;
	if (pat[i + 1] == '.' && (pat[i + 2] == '/' || pat[i + 2] == '\0'))
		return 2;
	return 0;
}

/* A run of stars at pat[i]: its ops, and its length (with the '/' a
 * directory double star takes) in *ret_len. */
static int emit_stars(struct builder *b, const char *pat, size_t i,
		      enum glob_mode mode, size_t *ret_len)
{
	size_t run = 0;
	while (pat[i + run] == '*')
		run++;
	bool at_seg_start = (i == 0 || pat[i - 1] == '/');
	char after = pat[i + run];
	int r;
	if (mode == GLOB_TOKEN) {
		r = emit(b, OP_GLOBSTAR, 0, 0);
	} else if (run == 1) {
		r = emit(b, OP_STAR, 0, 0);
	} else if (at_seg_start && after == '\0' && last_is_slash(b)) {
		b->n--; /* the '/' belongs to TAILDIR */
		r = emit(b, OP_TAILDIR, 0, 0);
		if (r >= 0)
			r = emit(b, OP_GLOBSTAR, 0, 0);
	} else if (at_seg_start && after == '/') {
		r = emit(b, OP_GSDIR, 0, 0);
		run++; /* the '/' is part of GSDIR */
		while (pat[i + run] == '/')
			run++;
	} else {
		r = emit(b, OP_GLOBSTAR, 0, 0);
	}
	*ret_len = run;
	return r;
}

/* The ops of the element at pat[*i]; advances *i. 0, or a negative errno
 * with *ret_err set for -EINVAL. */
static int emit_element(struct builder *b, const char *pat, size_t *i,
			enum glob_mode mode, const char **ret_err)
{
	char c = pat[*i];
	size_t len = 1;
	int r;
	if (c == '\\') {
		if (!pat[*i + 1]) {
			*ret_err = "pattern ends with a lone backslash: write "
				   "\\\\ for a backslash";
			return -EINVAL;
		}
		r = emit(b, OP_LIT, (unsigned char)pat[*i + 1], 0);
		len = 2;
	} else if (c == '?') {
		r = emit(b, OP_ANY, 0, 0);
	} else if (c == '[') {
		size_t next;
		r = parse_class(b, pat, *i, &next, ret_err);
		if (r < 0)
			return r;
		len = next - *i;
	} else if (c == '*') {
		r = emit_stars(b, pat, *i, mode, &len);
	} else if (c == '/' && mode == GLOB_PATH) {
		r = last_is_slash(b) ? 0 : emit(b, OP_LIT, '/', 0);
	} else {
		r = emit(b, OP_LIT, (unsigned char)c, 0);
	}
	*i += len;
	return r;
}

/* Compiles pat into the ops of b. 0, or -EINVAL with *ret_err and the
 * offset of the element at fault in *ret_errpos. */
static int parse_pattern(struct builder *b, const char *pat,
			 enum glob_mode mode, const char **ret_err,
			 size_t *ret_errpos)
{
	size_t i = 0;
	while (pat[i]) {
		*ret_errpos = i;
		if (mode == GLOB_PATH && (i == 0 || pat[i - 1] == '/') &&
		    !(i > 1 && pat[i - 2] == '\\')) {
			size_t d = dot_segment(pat, i);
			if (d == 2) {
				*ret_err = "'..' is not allowed in path "
					   "patterns: write the path without "
					   "it (paths are decided resolved)";
				return -EINVAL;
			}
			if (d == 1 && i > 0) {
				i += 1;
				if (pat[i] == '/')
					i++;
				continue;
			}
		}
		int r = emit_element(b, pat, &i, mode, ret_err);
		if (r == -EINVAL)
			return r; /* *ret_err says why */
		if (r < 0) {
			*ret_err = r == -E2BIG ? "pattern is too complex (over "
						 "1024 parts): split it"
					       : "out of memory";
			return -EINVAL;
		}
	}
	/* fold a trailing '/' (but keep a lone "/") */
	if (mode == GLOB_PATH && b->n > 1 && last_is_slash(b))
		b->n--;
	return 0;
}

/* prefix, suffix and kind of g, from its ops (the prefix and the suffix
 * go in the room glob_compile left after the source: nops + 2 bytes) */
static void glob_analyse(struct glob *g)
{
	size_t np = 0;
	while (np < g->nops && g->ops[np].type == OP_LIT)
		np++;
	g->prefix = g->src + g->src_len + 1;
	for (size_t k = 0; k < np; k++)
		g->prefix[k] = (char)g->ops[k].ch;
	g->prefix[np] = '\0';
	g->prefix_len = np;
	g->prefix_ops = np;
	if (np == g->nops)
		g->kind = GK_LITERAL;
	else if (np + 2 == g->nops && g->ops[np].type == OP_TAILDIR)
		/* in path mode every subject starts with '/', so a bare
		 * slash-double-star matches everything */
		g->kind = np == 0 && g->mode == GLOB_PATH ? GK_ALL : GK_TREE;
	else if (np == 0 && g->nops == 1 && g->ops[0].type == OP_GLOBSTAR)
		g->kind = GK_ALL;
	else
		g->kind = GK_NFA;
	size_t ns = 0;
	if (g->kind == GK_NFA)
		while (ns < g->nops - np &&
		       g->ops[g->nops - 1 - ns].type == OP_LIT)
			ns++;
	g->suffix = g->prefix + np + 1;
	for (size_t k = 0; k < ns; k++)
		g->suffix[k] = (char)g->ops[g->nops - ns + k].ch;
	g->suffix[ns] = '\0';
	g->suffix_len = ns;
}

/* Where the parts of a glob compiled from a pattern of len bytes with at
 * most ncls classes go in its one block: the struct, its ops (never more
 * than the pattern's bytes), its classes, its source, then its prefix and
 * suffix (literal ops: at most as many bytes as ops, and two NULs). */
struct glob_layout {
	size_t ops, cls, src, size;
};

static struct glob_layout glob_layout(size_t len, size_t ncls)
{
	struct glob_layout l;
	size_t nops = (len < MAX_OPS ? len : MAX_OPS) + 1;
	l.ops = (sizeof(struct glob) + 7) & ~(size_t)7;
	l.cls = l.ops + nops * sizeof(struct op);
	l.src = l.cls + ncls * 32;
	l.size = l.src + (len + 1) + (nops + 2);
	l.size = (l.size + 7) & ~(size_t)7;
	return l;
}

static size_t count_classes(const char *pat)
{
	size_t n = 0;
	for (; *pat; pat++)
		n += *pat == '[';
	return n;
}

size_t glob_compile_size(const char *pat)
{
	size_t len = strlen(pat);
	if (len > GLOB_MAX_LEN)
		len = 0; /* refused before anything is laid out */
	return glob_layout(len, count_classes(pat)).size;
}

int glob_compile_in(const char *pat, enum glob_mode mode, void *mem, size_t cap,
		    struct glob **ret, const char **ret_err, size_t *ret_errpos)
{
	const char *err = NULL;
	size_t errpos = 0;
	int r = -EINVAL;
	size_t len = strlen(pat);

	if (len > GLOB_MAX_LEN) {
		err = "pattern is longer than 4096 bytes";
		goto fail;
	}
	if (len == 0) {
		err = "empty pattern: write a path, or remove "
		      "the entry";
		goto fail;
	}
	size_t ncls = count_classes(pat);
	struct glob_layout l = glob_layout(len, ncls);
	if (cap < l.size || ((uintptr_t)mem & 7)) {
		err = "no room to compile the pattern";
		r = -ENOSPC;
		goto fail;
	}
	/* everything in mem: the ops and classes at their most (a pattern
	 * never takes more ops than it has bytes, nor more classes than it
	 * has '['), nothing grown or allocated */
	char *base = mem;
	struct builder b = {
	    .ops = (struct op *)(void *)(base + l.ops),
	    .cap = (len < MAX_OPS ? len : MAX_OPS) + 1,
	    .cls = (uint8_t(*)[32])(void *)(base + l.cls),
	    .clscap = ncls,
	};
	r = parse_pattern(&b, pat, mode, &err, &errpos);
	if (r < 0)
		goto fail;
	struct glob *g = memset(base, 0, sizeof(*g));
	g->mode = mode;
	g->src = base + l.src;
	memcpy(g->src, pat, len + 1);
	g->src_len = len;
	g->ops = b.ops;
	g->nops = b.n;
	g->cls = b.cls;
	g->ncls = b.ncls;
	glob_analyse(g);
	*ret = g;
	return 0;
fail:
	if (ret_err)
		*ret_err = err;
	if (ret_errpos)
		*ret_errpos = errpos;
	return r;
}

int glob_compile(const char *pat, enum glob_mode mode, struct glob **ret,
		 const char **ret_err, size_t *ret_errpos)
{
	/* one allocation a glob (the interposer compiles the session's
	 * hundred globs in processes that read files) */
	size_t size = glob_compile_size(pat);
	void *mem = malloc(size);
	if (!mem) {
		if (ret_err)
			*ret_err = "out of memory";
		if (ret_errpos)
			*ret_errpos = 0;
		return -ENOMEM;
	}
	struct glob *g;
	int r = glob_compile_in(pat, mode, mem, size, &g, ret_err, ret_errpos);
	if (r < 0) {
		free(mem);
		return r;
	}
	g->owned = true;
	*ret = g;
	return 0;
}

void glob_free(struct glob *g)
{
	if (g && g->owned)
		free(g); /* its parts are in its block */
}

const char *glob_source(const struct glob *g)
{
	return g->src;
}

const char *glob_prefix(const struct glob *g)
{
	return g->prefix;
}

const char *glob_suffix(const struct glob *g)
{
	return g->suffix;
}

bool glob_is_literal(const struct glob *g)
{
	return g->kind == GK_LITERAL;
}

bool glob_is_tree(const struct glob *g)
{
	return g->kind == GK_TREE || g->kind == GK_ALL;
}

bool glob_matches_all(const struct glob *g)
{
	return g->kind == GK_ALL;
}

static inline void bset(uint64_t *s, size_t i)
{
	s[i >> 6] |= 1ULL << (i & 63);
}

/* Adds state i and its epsilon closure. */
static void enter(const struct glob *g, uint64_t *s, size_t i)
{
	for (;;) {
		bset(s, i);
		if (i >= g->nops)
			return;
		switch (g->ops[i].type) {
		case OP_STAR:
		case OP_GLOBSTAR:
		case OP_GSDIR:
			i++;
			continue;
		case OP_TAILDIR:
			bset(s, g->nops);
			return;
		default:
			return;
		}
	}
}

/* Epsilon closure within one 64-bit word (m < 64). */
static inline uint64_t enter1(const struct glob *g, uint64_t set, size_t i)
{
	for (;;) {
		set |= 1ULL << i;
		if (i >= g->nops)
			return set;
		switch (g->ops[i].type) {
		case OP_STAR:
		case OP_GLOBSTAR:
		case OP_GSDIR:
			i++;
			continue;
		case OP_TAILDIR:
			return set | (1ULL << g->nops);
		default:
			return set;
		}
	}
}

/* partial: true when s can still be extended to a match (some state is
 * alive at its end), rather than when s itself matches. */
static bool nfa_match1(const struct glob *g, const char *s, bool partial)
{
	size_t m = g->nops;
	bool path = g->mode != GLOB_TOKEN;
	uint64_t cur = enter1(g, 0, g->prefix_ops);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		uint64_t next = 0, bits = cur & ~(1ULL << m);
		while (bits) {
			size_t i = (size_t)__builtin_ctzll(bits);
			bits &= bits - 1;
			const struct op *o = &g->ops[i];
			switch (o->type) {
			case OP_LIT:
				if (c == o->ch)
					next = enter1(g, next, i + 1);
				break;
			case OP_ANY:
				if (!path || c != '/')
					next = enter1(g, next, i + 1);
				break;
			case OP_CLASS:
				if ((!path || c != '/') &&
				    cls_has(g->cls[o->cls], c))
					next = enter1(g, next, i + 1);
				break;
			case OP_STAR:
				if (c != '/')
					next = enter1(g, next, i);
				break;
			case OP_GLOBSTAR:
				next = enter1(g, next, i);
				break;
			case OP_GSDIR:
				next |= 1ULL << i;
				if (c == '/')
					next = enter1(g, next, i + 1);
				break;
			case OP_TAILDIR:
				if (c == '/')
					next = enter1(g, next, i + 1);
				break;
			default:
				return false;
			}
		}
		if (!next)
			return false;
		cur = next;
	}
	return partial || ((cur >> m) & 1);
}

/* The states the automaton is in after s (words of MAX_WORDS in cur),
 * from its start after the prefix; false when none is left. */
static bool nfa_run(const struct glob *g, const char *s, uint64_t *cur)
{
	size_t m = g->nops;
	size_t words = (m + 1 + 63) / 64;
	uint64_t next[MAX_WORDS];
	bool path = g->mode != GLOB_TOKEN;
	memset(cur, 0, words * sizeof(uint64_t));
	enter(g, cur, g->prefix_ops);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool any = false;
		memset(next, 0, words * sizeof(uint64_t));
		for (size_t w = 0; w < words; w++) {
			uint64_t bits = cur[w];
			while (bits) {
				size_t i =
				    w * 64 + (size_t)__builtin_ctzll(bits);
				bits &= bits - 1;
				if (i >= m)
					continue;
				const struct op *o = &g->ops[i];
				switch (o->type) {
				case OP_LIT:
					if (c == o->ch)
						enter(g, next, i + 1);
					break;
				case OP_ANY:
					if (!path || c != '/')
						enter(g, next, i + 1);
					break;
				case OP_CLASS:
					if ((!path || c != '/') &&
					    cls_has(g->cls[o->cls], c))
						enter(g, next, i + 1);
					break;
				case OP_STAR:
					if (c != '/')
						enter(g, next, i);
					break;
				case OP_GLOBSTAR:
					enter(g, next, i);
					break;
				case OP_GSDIR:
					bset(next, i);
					if (c == '/')
						enter(g, next, i + 1);
					break;
				case OP_TAILDIR:
					if (c == '/')
						enter(g, next, i + 1);
					break;
				default:
					return false;
				}
			}
		}
		for (size_t w = 0; w < words; w++) {
			cur[w] = next[w];
			any |= next[w] != 0;
		}
		if (!any)
			return false;
	}
	return true;
}

static bool nfa_match(const struct glob *g, const char *s, bool partial)
{
	size_t m = g->nops;
	if (m < 64)
		return nfa_match1(g, s, partial);
	uint64_t cur[MAX_WORDS];
	if (!nfa_run(g, s, cur))
		return false;
	return partial || ((cur[m >> 6] >> (m & 63)) & 1);
}

bool glob_match(const struct glob *g, const char *s)
{
	switch (g->kind) {
	case GK_LITERAL:
		return strcmp(g->prefix, s) == 0;
	case GK_ALL:
		return true;
	case GK_TREE:
		return strncmp(g->prefix, s, g->prefix_len) == 0 &&
		       (s[g->prefix_len] == '\0' || s[g->prefix_len] == '/');
	case GK_NFA: {
		if (strncmp(g->prefix, s, g->prefix_len) != 0)
			return false;
		if (g->suffix_len) {
			size_t n = strlen(s);
			if (n < g->prefix_len + g->suffix_len ||
			    memcmp(s + n - g->suffix_len, g->suffix,
				   g->suffix_len) != 0)
				return false;
		}
		return nfa_match(g, s + g->prefix_len, false);
	}
	default:
		return false;
	}
}

bool glob_match_below(const struct glob *g, const char *dir)
{
	size_t dl = strlen(dir);
	if (glob_match(g, dir))
		return true;
	/* a prefix that goes on below dir: some match may be there */
	if (g->prefix_len > dl && !strncmp(g->prefix, dir, dl) &&
	    (g->prefix[dl] == '/' || (dl && dir[dl - 1] == '/')))
		return true;
	switch (g->kind) {
	case GK_ALL:
		return true;
	case GK_LITERAL:
		return false; /* (its whole self: the prefix, above) */
	case GK_TREE:
		return !strncmp(g->prefix, dir, g->prefix_len) &&
		       (dir[g->prefix_len] == '/' || !dir[g->prefix_len]);
	case GK_NFA: {
		if (dl < g->prefix_len ||
		    strncmp(g->prefix, dir, g->prefix_len))
			return false;
		char buf[GLOB_MAX_LEN + 2];
		if (dl + 1 >= sizeof(buf))
			return true; /* cannot tell: may */
		memcpy(buf, dir, dl);
		buf[dl] = '/';
		buf[dl + 1] = '\0';
		return nfa_match(g, buf + g->prefix_len, true);
	}
	default:
		return true;
	}
}

bool glob_match_prefix(const struct glob *g, const char *s)
{
	size_t sl = strlen(s);
	size_t n = sl < g->prefix_len ? sl : g->prefix_len;
	if (strncmp(g->prefix, s, n))
		return false;
	switch (g->kind) {
	case GK_ALL:
		return true;
	case GK_LITERAL:
		return sl <= g->prefix_len;
	case GK_TREE:
		/* PREFIX and below: s within PREFIX, or below it */
		return sl <= g->prefix_len || s[g->prefix_len] == '/' ||
		       (g->prefix_len && g->prefix[g->prefix_len - 1] == '/');
	case GK_NFA:
		if (sl <= g->prefix_len)
			return true;
		return nfa_match(g, s + g->prefix_len, true);
	default:
		return true;
	}
}

bool glob_match_every_suffix(const struct glob *g, const char *s)
{
	if (g->kind == GK_ALL)
		return true;
	if (g->kind != GK_NFA || g->mode != GLOB_TOKEN || g->suffix_len)
		return false;
	/* the source is its literal prefix and final stars */
	size_t pl = g->prefix_len;
	const char *src = glob_source(g);
	if (strncmp(src, g->prefix, pl) || !src[pl] ||
	    strspn(src + pl, "*") != strlen(src + pl))
		return false;
	return strlen(s) >= pl && !strncmp(s, g->prefix, pl);
}

/* The states after dir and a slash, past the prefix (cur: MAX_WORDS);
 * false: no match can be below dir. */
static bool states_below(const struct glob *g, const char *dir, uint64_t *cur)
{
	size_t dl = strlen(dir);
	char buf[GLOB_MAX_LEN + 2];
	if (dl < g->prefix_len || strncmp(g->prefix, dir, g->prefix_len) ||
	    dl + 1 >= sizeof(buf))
		return false;
	memcpy(buf, dir, dl);
	buf[dl] = '/';
	buf[dl + 1] = '\0';
	return nfa_run(g, buf + g->prefix_len, cur);
}

bool glob_below_by_name(const struct glob *g, const char *dir)
{
	size_t dl = strlen(dir);
	if (dl + 1 >= GLOB_MAX_LEN)
		return glob_match_below(g, dir); /* cannot tell: may */
	/* a literal, a tree's root or the bytes every match starts with,
	 * strictly below dir: only there */
	if (g->prefix_len > dl && !strncmp(g->prefix, dir, dl) &&
	    g->prefix[dl] == '/')
		return g->kind != GK_ALL;
	if (g->kind != GK_NFA)
		return false; /* above dir or elsewhere: dir's name adds none */
	uint64_t at[MAX_WORDS] = {0}, fresh[MAX_WORDS] = {0};
	if (!states_below(g, dir, at))
		return false;
	/* a top-level directory whose name no pattern spells: what matches
	 * below dir and not below it depends on where dir is or its name */
	if (!states_below(g, "/\x01", fresh))
		return true;
	for (size_t w = 0; w < MAX_WORDS; w++)
		if (at[w] & ~fresh[w])
			return true;
	return false;
}

void glob_escape(struct strbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '*' || *s == '?' || *s == '[' || *s == ']' ||
		    *s == '\\')
			strbuf_putc(b, '\\');
		strbuf_putc(b, *s);
	}
}

bool glob_tokens_match(struct glob *const *tok, size_t ntok, size_t n,
		       bool (*tok_match)(const struct glob *t, size_t j,
					 void *ctx),
		       void *ctx)
{
	size_t i = 0, j = 0, star = SIZE_MAX, mark = 0;
	while (j < n) {
		if (i < ntok && tok[i] && tok_match(tok[i], j, ctx)) {
			i++;
			j++;
		} else if (i < ntok && !tok[i]) {
			star = i++;
			mark = j;
		} else if (star != SIZE_MAX) {
			i = star + 1;
			j = ++mark;
		} else {
			return false;
		}
	}
	while (i < ntok && !tok[i])
		i++;
	return i == ntok;
}
