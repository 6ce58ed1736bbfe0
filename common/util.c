/* SPDX-License-Identifier: MIT */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

void strbuf_append(struct strbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 64;
		while (nc < b->len + n + 1) {
			if (nc > SIZE_MAX / 2) {
				b->oom = true;
				return;
			}
			nc *= 2;
		}
		char *ns = realloc(b->s, nc);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void strbuf_puts(struct strbuf *b, const char *s)
{
	strbuf_append(b, s, strlen(s));
}

void strbuf_putc(struct strbuf *b, char c)
{
	strbuf_append(b, &c, 1);
}

void strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if ((size_t)n < sizeof(tmp)) {
		strbuf_append(b, tmp, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	strbuf_append(b, big, (size_t)n);
	free(big);
}

char *strbuf_steal(struct strbuf *b)
{
	if (b->oom) {
		strbuf_free(b);
		return NULL;
	}
	if (!b->s)
		return strdup("");
	char *s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void strbuf_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

int tg_grow(void **v, size_t *cap, size_t want, size_t esz)
{
	if (want <= *cap)
		return 0;
	size_t nc = *cap ? *cap : 8;
	while (nc < want) {
		if (nc > SIZE_MAX / 2 / esz)
			return -ENOMEM;
		nc *= 2;
	}
	void *nv = realloc(*v, nc * esz);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = nc;
	return 0;
}

unsigned tg_edit_distance(const char *a, const char *b, unsigned cap)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return cap + 1;
	unsigned row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned prev = row[0];
		row[0] = (unsigned)i;
		unsigned best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			unsigned cur = row[j];
			unsigned sub = prev + (a[i - 1] != b[j - 1]);
			unsigned del = row[j] + 1, ins = row[j - 1] + 1;
			unsigned m = sub < del ? sub : del;
			row[j] = m < ins ? m : ins;
			prev = cur;
			if (row[j] < best)
				best = row[j];
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb] > cap ? cap + 1 : row[lb];
}

enum tg_spell tg_path_spelling(const char *p, bool *ret_slash)
{
	size_t n = strlen(p), e = n, b;
	while (e > 0 && p[e - 1] == '/')
		e--;
	*ret_slash = e > 0 && e < n;
	if (e == 0)
		return n ? TG_SPELL_ROOT : TG_SPELL_NAME;
	for (b = e; b > 0 && p[b - 1] != '/'; b--)
		;
	if (e - b == 1 && p[b] == '.')
		return TG_SPELL_DOT;
	if (e - b == 2 && p[b] == '.' && p[b + 1] == '.')
		return TG_SPELL_DOTDOT;
	return TG_SPELL_NAME;
}

int tg_path_normalize(const char *cwd, const char *path, char *out,
		      size_t outsz)
{
	if (!path || !*path || outsz < 2)
		return -EINVAL;
	size_t o = 0;
	out[o++] = '/';
	const char *parts[2] = {NULL, path};
	if (path[0] != '/') {
		if (!cwd || cwd[0] != '/')
			return -EINVAL;
		parts[0] = cwd;
	}
	for (int p = 0; p < 2; p++) {
		const char *s = parts[p];
		if (!s)
			continue;
		while (*s) {
			while (*s == '/')
				s++;
			if (!*s)
				break;
			const char *e = s;
			while (*e && *e != '/')
				e++;
			size_t n = (size_t)(e - s);
			if (n == 1 && s[0] == '.') {
				/* nothing */
			} else if (n == 2 && s[0] == '.' && s[1] == '.') {
				/* back up to the previous '/' */
				while (o > 1 && out[o - 1] != '/')
					o--;
				if (o > 1)
					o--; /* drop the separator */
			} else {
				if (o > 1) {
					if (o + 1 >= outsz)
						return -ENAMETOOLONG;
					out[o++] = '/';
				}
				if (o + n >= outsz)
					return -ENAMETOOLONG;
				memcpy(out + o, s, n);
				o += n;
			}
			s = e;
		}
	}
	out[o] = '\0';
	return 0;
}

static bool put(char *dst, size_t cap, const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);
	if (an + bn + 1 > cap)
		return false;
	memmove(dst, a, an);
	memcpy(dst + an, b, bn + 1);
	return true;
}

int tg_resolve_links(const char *abs, tg_readlink_fn rl, void *ctx,
		     bool missing_ok, char *out, size_t outsz)
{
	char cur[TG_PATH_MAX], rest[TG_PATH_MAX], link[TG_PATH_MAX];
	char cand[TG_PATH_MAX], tmp[TG_PATH_MAX];
	if (abs[0] != '/' || !put(rest, sizeof(rest), "", 0, abs))
		return -EINVAL;
	cur[0] = '\0';
	int hops = 0;
	for (;;) {
		const char *p = rest;
		while (*p == '/')
			p++;
		if (!*p) {
			if (!put(out, outsz, "", 0, cur[0] ? cur : "/"))
				return -ENAMETOOLONG;
			return 0;
		}
		const char *e = p;
		while (*e && *e != '/')
			e++;
		size_t cl = (size_t)(e - p);
		if (cl == 1 && p[0] == '.') {
			memmove(rest, e, strlen(e) + 1);
			continue;
		}
		if (cl == 2 && p[0] == '.' && p[1] == '.') {
			char *sl = strrchr(cur, '/');
			if (sl)
				*sl = '\0';
			memmove(rest, e, strlen(e) + 1);
			continue;
		}
		size_t curl = strlen(cur);
		if (curl + 1 + cl + 1 > sizeof(cand))
			return -ENAMETOOLONG;
		memcpy(cand, cur, curl);
		cand[curl] = '/';
		memcpy(cand + curl + 1, p, cl);
		cand[curl + 1 + cl] = '\0';
		long n = rl(ctx, cand, link, sizeof(link));
		if (n == -EINVAL) { /* not a link: keep it */
			memcpy(cur, cand, curl + 1 + cl + 1);
			memmove(rest, e, strlen(e) + 1);
			continue;
		}
		if (n == -ENOENT && missing_ok) {
			if (!put(out, outsz, cand, strlen(cand), e))
				return -ENAMETOOLONG;
			return 0;
		}
		if (n < 0)
			return (int)n;
		if (++hops > 40)
			return -ELOOP;
		if ((size_t)n >= sizeof(link))
			return -ENAMETOOLONG;
		link[n] = '\0';
		if (link[0] == '/')
			cur[0] = '\0';
		if (!put(tmp, sizeof(tmp), link, (size_t)n, e))
			return -ENAMETOOLONG;
		memcpy(rest, tmp, strlen(tmp) + 1);
	}
}

const char *tg_basename(const char *s)
{
	const char *p = strrchr(s, '/');
	return p ? p + 1 : s;
}

int tg_parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	uint64_t v = 0;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (*s)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

/* Parses "<number><unit>" where unit is looked up in a table. */
struct unit {
	const char *name;
	uint64_t mult;
};

static int parse_with_units(const char *s, const struct unit *units,
			    size_t nunits, bool unit_required, uint64_t *ret)
{
	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	uint64_t v = 0;
	const char *p = s;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	while (*p == ' ')
		p++;
	uint64_t mult = 0;
	if (!*p) {
		if (unit_required)
			return -EINVAL;
		mult = 1;
	} else {
		for (size_t i = 0; i < nunits; i++)
			if (strcmp(p, units[i].name) == 0)
				mult = units[i].mult;
		if (!mult)
			return -EINVAL;
	}
	if (v && mult > UINT64_MAX / v)
		return -ERANGE;
	*ret = v * mult;
	return 0;
}

int tg_parse_duration_ms(const char *s, uint64_t *ret_ms)
{
	static const struct unit u[] = {
	    {"ms", 1},	    {"s", 1000},    {"m", 60000},
	    {"min", 60000}, {"h", 3600000}, {"d", 86400000},
	};
	uint64_t v;
	/* a bare number is seconds */
	int r = parse_with_units(s, u, TG_ARRAY_SIZE(u), false, &v);
	if (r < 0)
		return r;
	bool bare = true;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			bare = false;
	if (bare) {
		if (v > UINT64_MAX / 1000)
			return -ERANGE;
		v *= 1000;
	}
	*ret_ms = v;
	return 0;
}

static const struct unit size_units[] = {
    {"B", 1ULL},
    {"K", 1000ULL},
    {"KB", 1000ULL},
    {"k", 1000ULL},
    {"kB", 1000ULL},
    {"M", 1000000ULL},
    {"MB", 1000000ULL},
    {"G", 1000000000ULL},
    {"GB", 1000000000ULL},
    {"T", 1000000000000ULL},
    {"TB", 1000000000000ULL},
    {"KiB", 1ULL << 10},
    {"MiB", 1ULL << 20},
    {"GiB", 1ULL << 30},
    {"TiB", 1ULL << 40},
};

int tg_parse_size(const char *s, uint64_t *ret_bytes)
{
	return parse_with_units(s, size_units, TG_ARRAY_SIZE(size_units), false,
				ret_bytes);
}

int tg_parse_rate(const char *s, bool bytes, uint64_t *ret_per_sec)
{
	const char *slash = s ? strrchr(s, '/') : NULL;
	if (!slash)
		return -EINVAL;
	uint64_t per;
	if (strcmp(slash, "/s") == 0)
		per = 1;
	else if (strcmp(slash, "/m") == 0 || strcmp(slash, "/min") == 0)
		per = 60;
	else if (strcmp(slash, "/h") == 0)
		per = 3600;
	else
		return -EINVAL;
	char num[64];
	size_t n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n);
	num[n] = '\0';
	uint64_t v;
	int r;
	if (bytes)
		r = tg_parse_size(num, &v);
	else
		r = tg_parse_u64(num, UINT64_MAX, &v);
	if (r < 0)
		return r;
	uint64_t q = v / per;
	if (v && !q)
		q = 1; /* never round a non-zero rate down to "nothing" */
	*ret_per_sec = q;
	return 0;
}

static bool is_glob_meta(char c)
{
	return c == '*' || c == '?' || c == '[' || c == ']' || c == '\\';
}

int tg_split_words(const char *s, bool keep_escapes, char ***ret_v,
		   size_t *ret_n)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct strbuf cur = {0};
	int r = 0;
	const char *p = s;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		bool have = false;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			have = true;
			if (*p == '\'' || *p == '"') {
				char q = *p++;
				while (*p && *p != q) {
					if (q == '"' && *p == '\\' && p[1]) {
						if (keep_escapes)
							strbuf_putc(&cur, '\\');
						p++;
					} else if (keep_escapes &&
						   is_glob_meta(*p)) {
						strbuf_putc(&cur, '\\');
					}
					strbuf_putc(&cur, *p++);
				}
				if (*p != q) {
					r = -EINVAL; /* unterminated quote */
					goto fail;
				}
				p++;
			} else if (*p == '\\') {
				if (!p[1]) {
					r = -EINVAL;
					goto fail;
				}
				if (keep_escapes)
					strbuf_putc(&cur, '\\');
				strbuf_putc(&cur, p[1]);
				p += 2;
			} else {
				strbuf_putc(&cur, *p++);
			}
		}
		if (have) {
			if (tg_grow((void **)&v, &cap, n + 2, sizeof(*v)) < 0) {
				r = -ENOMEM;
				goto fail;
			}
			char *w = strbuf_steal(&cur);
			if (!w) {
				r = -ENOMEM;
				goto fail;
			}
			v[n++] = w;
			v[n] = NULL;
		}
	}
	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v) {
			r = -ENOMEM;
			goto fail;
		}
	}
	strbuf_free(&cur);
	*ret_v = v;
	*ret_n = n;
	return 0;
fail:
	strbuf_free(&cur);
	if (v) {
		v[n] = NULL;
		tg_strv_free(v);
	}
	return r;
}

void tg_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

char **tg_strv_dup(const char *const *v, size_t n)
{
	char **d = calloc(n + 1, sizeof(*d));
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		d[i] = strdup(v[i]);
		if (!d[i]) {
			tg_strv_free(d);
			return NULL;
		}
	}
	return d;
}

int tg_strv_push(char ***v, size_t *n, const char *s, bool unique)
{
	for (size_t i = 0; unique && i < *n; i++)
		if (!strcmp((*v)[i], s))
			return 0;
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

uint64_t tg_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t tg_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

size_t tg_strlcpy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	size_t c = n < cap ? n : cap - 1;
	memmove(dst, src, c);
	dst[c] = '\0';
	return n;
}

/* ------------------------------------------------- tg_argv_quote */

/* Where tg_argv_quote writes: out[0..lim) for the words, the rest kept
 * for the closing quote and the markers. */
struct quote_out {
	char *s;
	size_t o, lim;
	bool cut;
};

/* Appends unit (n bytes) whole, or sets cut and writes nothing. */
static bool quote_put(struct quote_out *q, const char *unit, size_t n)
{
	if (q->cut || q->o + n > q->lim) {
		q->cut = true;
		return false;
	}
	for (size_t i = 0; i < n; i++)
		q->s[q->o++] = unit[i];
	return true;
}

static bool quote_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("_@%+=:,./-", c));
}

static bool quote_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* One word; false when it was cut (its quote closed). */
static bool quote_word(struct quote_out *q, const char *w)
{
	bool plain = *w != '\0', ctl = false;
	for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
		plain = plain && quote_plain(*p);
		ctl = ctl || quote_control(*p);
	}
	if (plain) {
		for (const char *p = w; *p; p++)
			if (!quote_put(q, p, 1))
				return false;
		return true;
	}
	if (!quote_put(q, ctl ? "$'" : "'", ctl ? 2 : 1))
		return false;
	static const char hex[] = "0123456789abcdef";
	for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
		char u[4] = {(char)*p};
		size_t n = 1;
		if (!ctl && *p == '\'') {
			n = 4;
			memcpy(u, "'\\''", n);
		} else if (ctl && (*p == '\'' || *p == '\\')) {
			u[0] = '\\';
			u[1] = (char)*p;
			n = 2;
		} else if (ctl && (*p == '\n' || *p == '\t')) {
			u[0] = '\\';
			u[1] = *p == '\n' ? 'n' : 't';
			n = 2;
		} else if (quote_control(*p)) {
			u[0] = '\\';
			u[1] = 'x';
			u[2] = hex[*p >> 4];
			u[3] = hex[*p & 15];
			n = 4;
		}
		if (!quote_put(q, u, n))
			break;
	}
	/* the closing quote has room kept for it past lim */
	q->s[q->o++] = '\'';
	return !q->cut;
}

size_t tg_argv_quote(char *out, size_t cap, const char *const *argv,
		     size_t argc)
{
	/* kept past lim: a closing quote, "...", " [+N more arguments]" */
	static const size_t keep = 48;
	if (cap < 64) {
		if (cap)
			out[0] = '\0';
		return 0;
	}
	struct quote_out q = {.s = out, .lim = cap - keep};
	size_t i = 0;
	for (; i < argc && !q.cut; i++) {
		if (i && !quote_put(&q, " ", 1))
			break;
		size_t at = q.o;
		if (!quote_word(&q, argv[i] ? argv[i] : "")) {
			i += q.o > at; /* shown in part */
			break;
		}
	}
	if (q.cut) {
		memcpy(out + q.o, "...", 3);
		q.o += 3;
	}
	if (i < argc) {
		char num[24];
		size_t n = 0, left = argc - i;
		do
			num[n++] = (char)('0' + left % 10);
		while ((left /= 10) && n < sizeof(num));
		static const char a[] = " [+", b[] = " more arguments]";
		memcpy(out + q.o, a, sizeof(a) - 1);
		q.o += sizeof(a) - 1;
		while (n)
			out[q.o++] = num[--n];
		memcpy(out + q.o, b, sizeof(b) - 1);
		q.o += sizeof(b) - 1;
	}
	out[q.o] = '\0';
	return q.o;
}

bool tg_git_env(const char *e, const char *const *argv, size_t argc)
{
	if (!strncmp(e, "GIT_", 4) || !strncmp(e, "HOME=", 5) ||
	    !strncmp(e, "XDG_CONFIG_HOME=", 16))
		return true;
	const char *eq = strchr(e, '=');
	if (!eq)
		return false;
	size_t nl = (size_t)(eq - e);
	for (size_t i = 0; i < argc && argv[i]; i++) {
		const char *a = argv[i], *spec = NULL;
		if (!strncmp(a, "--config-env=", 13))
			spec = a + 13;
		else if (!strcmp(a, "--config-env") && i + 1 < argc &&
			 argv[i + 1])
			spec = argv[i + 1];
		const char *var = spec ? strrchr(spec, '=') : NULL;
		if (var && strlen(var + 1) == nl && !strncmp(var + 1, e, nl))
			return true;
	}
	return false;
}
