/* SPDX-License-Identifier: MIT */
#include "redact.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* Does the name before a '=' (or an option) say it holds a secret? */
static bool secret_name(const char *name, size_t n)
{
	static const char *const words[] = {"token",  "passw",	"secret",
					    "apikey", "api_key", "api-key",
					    "auth",   "credential", "private"};
	char low[64];
	if (n == 0 || n >= sizeof(low))
		return false;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[n] = '\0';
	for (size_t i = 0; i < TG_ARRAY_SIZE(words); i++)
		if (strstr(low, words[i]))
			return true;
	return n >= 3 && !strcmp(low + n - 3, "key");
}

/* A token of a well-known shape starts at s: how long it is, else 0. */
static size_t known_token(const char *s)
{
	static const char *const prefixes[] = {"ghp_", "gho_", "ghs_", "ghu_",
					       "github_pat_", "sk-", "xoxb-",
					       "xoxp-", "xoxa-", "AKIA",
					       "glpat-"};
	for (size_t i = 0; i < TG_ARRAY_SIZE(prefixes); i++) {
		size_t pl = strlen(prefixes[i]);
		if (strncmp(s, prefixes[i], pl))
			continue;
		size_t n = pl;
		while (isalnum((unsigned char)s[n]) || s[n] == '_' ||
		       s[n] == '-')
			n++;
		if (n >= pl + 8)
			return n;
	}
	return 0;
}

static bool value_end(char c)
{
	return !c || isspace((unsigned char)c) || c == '&' || c == ';' ||
	       c == '"' || c == '\'';
}

struct out {
	char *p;
	size_t n, sz;
};

static void put(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && o->n + 1 < o->sz; i++)
		o->p[o->n++] = s[i];
	o->p[o->n] = '\0';
}

void redact(const char *s, char *out, size_t outsz)
{
	if (!outsz)
		return;
	struct out o = {out, 0, outsz};
	out[0] = '\0';
	size_t word = 0; /* where the current word started */
	bool mask_next = false; /* "--token VALUE", "Bearer VALUE" */
	for (size_t i = 0; s[i];) {
		if (i == word && mask_next && !isspace((unsigned char)s[i])) {
			while (!value_end(s[i]))
				i++;
			put(&o, "***", 3);
			mask_next = false;
			continue;
		}
		size_t k = (i == 0 || !isalnum((unsigned char)s[i - 1]))
			       ? known_token(s + i)
			       : 0;
		if (k) {
			put(&o, "***", 3);
			i += k;
			continue;
		}
		if (s[i] == '=' || s[i] == ':') {
			/* NAME=VALUE, NAME: VALUE (headers) */
			size_t b = i;
			while (b > word && s[b - 1] != '-' && s[b - 1] != '?' &&
			       s[b - 1] != '&' && s[b - 1] != '/')
				b--;
			bool url = s[i] == ':' && s[i + 1] == '/' &&
				   s[i + 2] == '/';
			if (!url && secret_name(s + b, i - b)) {
				put(&o, s + i, 1);
				i++;
				if (s[i] == ' ')
					put(&o, s + i++, 1);
				/* "Authorization: Bearer X": the scheme stays */
				size_t w = !strncasecmp(s + i, "bearer ", 7) ? 7
					   : !strncasecmp(s + i, "basic ", 6) ? 6
									       : 0;
				put(&o, s + i, w);
				i += w;
				while (!value_end(s[i]))
					i++;
				put(&o, "***", 3);
				continue;
			}
			if (url) {
				/* scheme://user:pass@host: the credentials */
				size_t h = i + 3, at = 0;
				for (size_t j = h; !value_end(s[j]) && s[j] != '/';
				     j++)
					if (s[j] == '@')
						at = j;
				put(&o, s + i, 3);
				i += 3;
				if (at) {
					put(&o, "***", 3);
					i = at;
				}
				continue;
			}
		}
		if (isspace((unsigned char)s[i])) {
			/* the word that ended: an option or scheme naming a
			 * secret makes the next word its value */
			const char *w = s + word;
			while (*w == '-')
				w++;
			size_t wl = (size_t)(s + i - w);
			if (wl && !memchr(w, '=', wl) &&
			    (secret_name(w, wl) ||
				   (wl == 6 && !strncasecmp(w, "bearer", 6))) &&
			    (s[word] == '-' || !strncasecmp(w, "bearer", 6)))
				mask_next = true;
			put(&o, s + i, 1);
			i++;
			word = i;
			continue;
		}
		put(&o, s + i, 1);
		i++;
	}
}
