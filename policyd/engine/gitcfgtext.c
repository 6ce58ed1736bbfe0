/* SPDX-License-Identifier: MIT */
/*
 * gitcfgtext: the config file syntax as config.c parses it (quotes,
 * escapes, comments, continuation lines, [section "sub"] and the legacy
 * [section.sub], CRLF, a byte order mark), keys in their canonical form,
 * booleans, and the list of entries a load builds.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "gitint.h"

static bool iskeychar(int c)
{
	return isalnum(c) || c == '-';
}

void gitcfg_set_unsure(struct gitcfg *c, const char *why)
{
	if (!c->unsure)
		tg_strlcpy(c->why, sizeof(c->why), why);
	c->unsure = true;
}

void gitcfg_free(struct gitcfg *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].value);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

int gitcfg_add(struct gitcfg *c, const char *key, const char *value,
	       enum gitcfg_scope scope)
{
	if (c->n >= GIT_CFG_ENTRIES_MAX) {
		gitcfg_set_unsure(c, "too many config entries");
		return 0;
	}
	if (tg_grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v)) < 0)
		return -ENOMEM;
	char *k = strdup(key), *v = value ? strdup(value) : NULL;
	if (!k || (value && !v)) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	c->v[c->n++] = (struct gitcfg_entry){k, v, scope};
	return 0;
}

bool gitcfg_last(const struct gitcfg *c, const char *key,
		 const char **ret_value)
{
	for (size_t i = c->n; i-- > 0;)
		if (!strcmp(c->v[i].key, key)) {
			*ret_value = c->v[i].value;
			return true;
		}
	return false;
}

int gitcfg_bool_text(const char *v)
{
	if (!v)
		return 1;
	if (!*v || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
	    !strcasecmp(v, "off"))
		return 0;
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
	    !strcasecmp(v, "on"))
		return 1;
	/* git_parse_maybe_bool: an integer is a boolean too */
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (end != v && !*end && !errno)
		return n != 0;
	return -1;
}

bool gitcfg_canon_key(const char *key, size_t len, char *out, size_t outsz)
{
	/* do_parse_config_key: the section (before the first dot) and the
	 * name (after the last) are key characters and folded to lower case,
	 * the name starts with a letter; the subsection is kept as it is */
	const char *last = NULL;
	for (size_t i = 0; i < len; i++)
		if (key[i] == '.')
			last = key + i;
	if (!last || last == key || (size_t)(last - key) + 1 >= len ||
	    len + 1 > outsz)
		return false;
	size_t base = (size_t)(last - key);
	bool dot = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)key[i];
		if (ch == '.')
			dot = true;
		if (!dot || i > base) {
			if (!iskeychar(ch) || (i == base + 1 && !isalpha(ch)))
				return false;
			ch = (unsigned char)tolower(ch);
		} else if (ch == '\n' || ch == '\0') {
			return false;
		}
		out[i] = (char)ch;
	}
	out[len] = '\0';
	return true;
}

/* ---------------------------------------------------------------- files */

struct src {
	const char *s;
	size_t len, pos;
	bool eof;
};

/* get_next_char: CRLF is one newline, the end of the text one more. */
static int next_char(struct src *x)
{
	if (x->pos >= x->len) {
		x->eof = true;
		return '\n';
	}
	int c = (unsigned char)x->s[x->pos++];
	if (c == '\r' && x->pos < x->len && x->s[x->pos] == '\n')
		c = (unsigned char)x->s[x->pos++];
	return c;
}

/* parse_value: quotes, escapes, comments; each unquoted blank inside the
 * value one space, blanks before and after it dropped. 0, or -1 (a quote
 * not closed, an unknown escape). */
static int parse_value(struct src *x, struct strbuf *v)
{
	bool quote = false, comment = false;
	size_t space = 0; /* unquoted blanks since the last character */
	v->len = 0;
	strbuf_puts(v, "");
	for (;;) {
		int c = next_char(x);
		if (c == '\n') {
			if (quote)
				return -1;
			if (v->s)
				v->s[v->len] = '\0';
			return 0; /* blanks at the end: dropped */
		}
		if (comment)
			continue;
		if (git_isspace(c) && !quote) {
			if (v->len)
				space++;
			continue;
		}
		if (!quote && (c == ';' || c == '#')) {
			comment = true;
			continue;
		}
		for (; space; space--) /* each blank inside: one space */
			strbuf_putc(v, ' ');
		if (c == '\\') {
			c = next_char(x);
			if (c == '\n')
				continue; /* a continued line (or the end) */
			switch (c) {
			case 't':
				c = '\t';
				break;
			case 'b':
				c = '\b';
				break;
			case 'n':
				c = '\n';
				break;
			case '\\':
			case '"':
				break;
			default:
				return -1;
			}
			strbuf_putc(v, (char)c);
			continue;
		}
		if (c == '"') {
			quote = !quote;
			continue;
		}
		strbuf_putc(v, (char)c);
	}
}

/* get_base_var and get_extended_base_var: the section header after '['. */
static int parse_section(struct src *x, struct strbuf *var)
{
	for (;;) {
		int c = next_char(x);
		if (x->eof)
			return -1;
		if (c == ']')
			return var->len ? 0 : -1;
		if (git_isspace(c)) {
			do {
				if (c == '\n')
					return -1;
				c = next_char(x);
			} while (git_isspace(c));
			if (c != '"')
				return -1;
			strbuf_putc(var, '.');
			for (;;) {
				c = next_char(x);
				if (c == '\n')
					return -1;
				if (c == '"')
					break;
				if (c == '\\') {
					c = next_char(x);
					if (c == '\n')
						return -1;
				}
				strbuf_putc(var, (char)c);
			}
			return next_char(x) == ']' ? 0 : -1;
		}
		if (!iskeychar(c) && c != '.')
			return -1;
		strbuf_putc(var, (char)tolower(c));
	}
}

int gitcfg_parse_cb(const char *text, size_t len, gitcfg_entry_fn fn, void *ud)
{
	struct src x = {text, len, 0, false};
	struct strbuf var = {0}, val = {0};
	size_t baselen = 0;
	bool comment = false;
	int ret = -1;
	/* a UTF-8 byte order mark, whole or not at all */
	static const char bom[] = "\xef\xbb\xbf";
	if (len >= 3 && !memcmp(text, bom, 3))
		x.pos = 3;
	else if ((len && text[0] == bom[0]) ||
		 (len >= 2 && !memcmp(text, bom, 2)))
		goto out;
	for (;;) {
		int c = next_char(&x);
		if (c == '\n') {
			if (x.eof) {
				ret = 0;
				goto out;
			}
			comment = false;
			continue;
		}
		if (comment)
			continue;
		if (git_isspace(c))
			continue;
		if (c == '#' || c == ';') {
			comment = true;
			continue;
		}
		if (c == '[') {
			var.len = 0;
			if (parse_section(&x, &var) < 0)
				goto out;
			strbuf_putc(&var, '.');
			baselen = var.len;
			continue;
		}
		if (!isalpha(c))
			goto out;
		var.len = baselen;
		strbuf_putc(&var, (char)tolower(c));
		for (;;) {
			c = next_char(&x);
			if (x.eof || !iskeychar(c))
				break;
			strbuf_putc(&var, (char)tolower(c));
		}
		while (c == ' ' || c == '\t')
			c = next_char(&x);
		bool has_value = c != '\n';
		if (has_value && (c != '=' || parse_value(&x, &val) < 0))
			goto out;
		if (var.oom || val.oom) {
			ret = -ENOMEM;
			goto out;
		}
		int r = fn(ud, var.s, has_value ? val.s : NULL);
		if (r < 0) {
			ret = r;
			goto out;
		}
	}
out:
	strbuf_free(&var);
	strbuf_free(&val);
	return ret;
}

struct text_add {
	struct gitcfg *c;
	enum gitcfg_scope scope;
};

static int text_add_cb(void *ud, const char *key, const char *value)
{
	struct text_add *t = ud;
	return gitcfg_add(t->c, key, value, t->scope);
}

int gitcfg_parse_text(struct gitcfg *c, const char *text, size_t len,
		      enum gitcfg_scope scope)
{
	struct text_add t = {c, scope};
	int r = gitcfg_parse_cb(text, len, text_add_cb, &t);
	return r == -ENOMEM ? r : r < 0 ? -EINVAL : 0;
}

int gitcfg_env_bool(const struct gitfs *fs, const char *name, int def)
{
	const char *v = gitfs_getenv(fs, name);
	if (!v)
		return def;
	return gitcfg_bool_text(v);
}
