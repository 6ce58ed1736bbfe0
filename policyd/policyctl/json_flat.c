/* SPDX-License-Identifier: MIT */
#include "json_flat.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define KEY_MAX 64
#define VALUE_MAX 8192 /* longer values are cut */
#define DEPTH_MAX 64   /* nesting of a skipped value */

struct out {
	char *s;
	size_t cap, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->s[o->len++] = c;
}

static void skip_ws(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n' ||
			    **p == '\r'))
		(*p)++;
}

static int hex4(const char *s, const char *end, unsigned *ret)
{
	unsigned v = 0;
	if (end - s < 4)
		return -EBADMSG;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16;
		if (d == 16)
			return -EBADMSG;
		v = v * 16 + d;
	}
	*ret = v;
	return 0;
}

/* A code point as UTF-8; control characters (C0, DEL, C1) become '?': the
 * values go to an operator's terminal, where they could be commands. */
static void put_cp(struct out *o, uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
		put(o, '?');
	} else if (cp < 0x80) {
		put(o, (char)cp);
	} else if (cp < 0x800) {
		put(o, (char)(0xc0 | cp >> 6));
		put(o, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		put(o, (char)(0xe0 | cp >> 12));
		put(o, (char)(0x80 | ((cp >> 6) & 0x3f)));
		put(o, (char)(0x80 | (cp & 0x3f)));
	} else {
		put(o, (char)(0xf0 | cp >> 18));
		put(o, (char)(0x80 | ((cp >> 12) & 0x3f)));
		put(o, (char)(0x80 | ((cp >> 6) & 0x3f)));
		put(o, (char)(0x80 | (cp & 0x3f)));
	}
}

/* One character as the text holds it, at s: valid UTF-8 as put_cp puts
 * it, an invalid byte as '?'. Returns what follows it. */
static const char *raw_char(const char *s, const char *end, struct out *o)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c = u[0], n = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
	uint32_t cp = n == 0 ? c : c & (0x3f >> n);
	bool ok = c < 0x80 || (c >= 0xc2 && c < 0xf5 && (size_t)(end - s) > n);
	for (unsigned i = 1; ok && i <= n; i++) {
		ok = (u[i] & 0xc0) == 0x80;
		cp = cp << 6 | (u[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if (!ok || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff) {
		put(o, '?');
		return s + 1;
	}
	put_cp(o, cp);
	return s + n + 1;
}

/* \uXXXX at s (after the backslash and 'u'), a surrogate pair taken
 * whole; *s moves past it. */
static int read_u(const char **s, const char *end, struct out *o)
{
	unsigned cp, lo;
	if (hex4(*s, end, &cp) < 0)
		return -EBADMSG;
	*s += 4;
	if (cp >= 0xd800 && cp < 0xdc00 && end - *s >= 6 && (*s)[0] == '\\' &&
	    (*s)[1] == 'u' && hex4(*s + 2, end, &lo) == 0 && lo >= 0xdc00 &&
	    lo < 0xe000) {
		*s += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xd800 && cp < 0xe000) {
		cp = '?'; /* a lone surrogate */
	}
	put_cp(o, cp);
	return 0;
}

static int read_string(const char **p, const char *end, struct out *o)
{
	if (*p >= end || **p != '"')
		return -EBADMSG;
	const char *s = *p + 1;
	while (s < end && *s != '"') {
		unsigned char c = (unsigned char)*s++;
		if (c < 0x20)
			return -EBADMSG;
		if (c != '\\') {
			s = raw_char(s - 1, end, o);
			continue;
		}
		if (s >= end)
			return -EBADMSG;
		char e = *s++;
		const char *from = "\"\\/bfnrt", *to = "\"\\/?? ? ";
		const char *k = strchr(from, e);
		if (e == 'u') {
			if (read_u(&s, end, o) < 0)
				return -EBADMSG;
		} else if (e && k) {
			put(o, to[k - from]);
		} else {
			return -EBADMSG;
		}
	}
	if (s >= end)
		return -EBADMSG;
	*p = s + 1;
	return 0;
}

/* An array or object at *p, skipped whole (its text copied, cut). */
static int skip_nested(const char **p, const char *end, struct out *o)
{
	int depth = 0;
	const char *s = *p;
	while (s < end) {
		char c = *s;
		if (c == '"') {
			struct out none = {NULL, 0, 0};
			const char *q = s;
			if (read_string(&q, end, &none) < 0)
				return -EBADMSG;
			for (; s < q; s++)
				put(o, *s);
			continue;
		}
		put(o, c);
		s++;
		if (c == '[' || c == '{') {
			if (++depth > DEPTH_MAX)
				return -EBADMSG;
		} else if (c == ']' || c == '}') {
			if (--depth == 0) {
				*p = s;
				return 0;
			}
		}
	}
	return -EBADMSG;
}

/* Any value at *p into o: a string decoded, the rest as written. */
static int read_value(const char **p, const char *end, struct out *o)
{
	if (*p >= end)
		return -EBADMSG;
	if (**p == '"')
		return read_string(p, end, o);
	if (**p == '[' || **p == '{')
		return skip_nested(p, end, o);
	const char *s = *p;
	while (s < end && (strchr("+-.eE", *s) || (*s >= '0' && *s <= '9') ||
			   (*s >= 'a' && *s <= 'z')))
		put(o, *s++);
	if (s == *p)
		return -EBADMSG;
	*p = s;
	return 0;
}

/* The opening character of a list (object or array) at *s: 1 when an
 * item follows, 0 when the list is empty (its closing character taken). */
static int list_open(const char **s, const char *end, char open, char close)
{
	skip_ws(s, end);
	if (*s >= end || *(*s)++ != open)
		return -EBADMSG;
	skip_ws(s, end);
	if (*s < end && **s == close) {
		(*s)++;
		return 0;
	}
	return 1;
}

/* After an item: 1 when another follows (its ',' taken), 0 at the
 * closing character (taken). */
static int list_next(const char **s, const char *end, char close)
{
	skip_ws(s, end);
	if (*s < end && (**s == ',' || **s == close))
		return *(*s)++ == ',';
	return -EBADMSG;
}

/* One member "key": value of an object at *s, given to fn. */
static int member(const char **s, const char *end, jflat_member_fn fn,
		  void *ud)
{
	char key[KEY_MAX], val[VALUE_MAX];
	struct out k = {key, sizeof(key), 0}, v = {val, sizeof(val), 0};
	skip_ws(s, end);
	if (read_string(s, end, &k) < 0)
		return -EBADMSG;
	skip_ws(s, end);
	if (*s >= end || *(*s)++ != ':')
		return -EBADMSG;
	skip_ws(s, end);
	if (read_value(s, end, &v) < 0)
		return -EBADMSG;
	key[k.len] = '\0';
	val[v.len] = '\0';
	if (fn)
		fn(key, val, ud);
	return 0;
}

int jflat_object(const char **p, const char *end, jflat_member_fn fn,
		 void *ud)
{
	const char *s = *p;
	int more = list_open(&s, end, '{', '}');
	while (more > 0)
		more = member(&s, end, fn, ud) < 0 ? -EBADMSG
						   : list_next(&s, end, '}');
	if (more < 0)
		return -EBADMSG;
	*p = s;
	return 0;
}

int jflat_array(const char **p, const char *end, jflat_member_fn fn,
		void (*obj_fn)(const char *start, size_t len, void *ud),
		void *ud)
{
	const char *s = *p;
	int more = list_open(&s, end, '[', ']');
	while (more > 0) {
		skip_ws(&s, end);
		const char *start = s;
		if (jflat_object(&s, end, fn, ud) < 0)
			return -EBADMSG;
		if (obj_fn)
			obj_fn(start, (size_t)(s - start), ud);
		more = list_next(&s, end, ']');
	}
	if (more < 0)
		return -EBADMSG;
	*p = s;
	return 0;
}

struct get_ctx {
	const char *key;
	char *out;
	size_t cap;
	bool found;
};

static void get_member(const char *key, const char *value, void *ud)
{
	struct get_ctx *g = ud;
	if (g->found || strcmp(key, g->key))
		return;
	size_t n = strlen(value);
	if (n >= g->cap)
		n = g->cap - 1;
	memcpy(g->out, value, n);
	g->out[n] = '\0';
	g->found = true;
}

int jflat_get(const char *line, const char *key, char *out, size_t cap)
{
	struct get_ctx g = {key, out, cap, false};
	out[0] = '\0';
	const char *p = line;
	return jflat_object(&p, line + strlen(line), get_member, &g);
}

void jflat_fput_c1safe(const char *line, FILE *f)
{
	const unsigned char *u = (const unsigned char *)line;
	for (; *u; u++) {
		/* 0xc2 then 0x80..0x9f: U+0080..U+009F in UTF-8 */
		if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] < 0xa0) {
			fprintf(f, "\\u%04x", (unsigned)u[1]);
			u++;
		} else {
			fputc(*u, f);
		}
	}
}
