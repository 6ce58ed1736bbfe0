/* SPDX-License-Identifier: MIT */
/*
 * gitwild: the pattern language git uses for includeIf conditions
 * (wildmatch with WM_PATHNAME): '*' and '?' stop at '/', a "**" that is a
 * whole path component crosses directories ("**" then '/' matches zero or
 * more directories, a trailing "/" then "**" everything below), classes
 * "[a-z]", "[!x]", "[^x]", "[[:alpha:]]", backslash escapes.
 *
 * Matching backtracks over stars; the abort results (as in git's
 * implementation) stop a star from retrying positions that cannot help, so
 * the work stays polynomial in the pattern and text lengths.
 */
#include <ctype.h>
#include <string.h>

#include "gitint.h"

enum { W_MATCH, W_NOMATCH, W_ABORT_ALL, W_ABORT_TO_STARSTAR };

static int fold(int c, unsigned flags)
{
	return (flags & GITWILD_CASEFOLD) ? tolower(c) : c;
}

static bool class_named(const char *name, size_t len, int c)
{
#define IS(n) (len == sizeof(n) - 1 && !memcmp(name, n, len))
	if (IS("alnum"))
		return isalnum(c);
	if (IS("alpha"))
		return isalpha(c);
	if (IS("blank"))
		return c == ' ' || c == '\t';
	if (IS("cntrl"))
		return iscntrl(c);
	if (IS("digit"))
		return isdigit(c);
	if (IS("graph"))
		return isgraph(c);
	if (IS("lower"))
		return islower(c);
	if (IS("print"))
		return isprint(c);
	if (IS("punct"))
		return ispunct(c);
	if (IS("space"))
		return git_isspace(c);
	if (IS("upper"))
		return isupper(c);
	if (IS("xdigit"))
		return isxdigit(c);
#undef IS
	return false;
}

/* A bracket expression at *pp (just after '['): sets *ok when it matched
 * c; returns false when the pattern is malformed (then nothing matches,
 * as in git). */
static bool bracket(const unsigned char **pp, int tc, unsigned flags, bool *ok)
{
	const unsigned char *p = *pp;
	bool neg = false, matched = false;
	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	int prev = -1;
	bool first = true;
	for (;; first = false) {
		int c = *p;
		if (!c)
			return false;
		if (c == ']' && !first)
			break;
		if (c == '\\') {
			c = *++p;
			if (!c)
				return false;
			if (fold(c, flags) == fold(tc, flags))
				matched = true;
			prev = c;
		} else if (c == '-' && prev >= 0 && p[1] && p[1] != ']') {
			int hi = *++p;
			if (hi == '\\') {
				hi = *++p;
				if (!hi)
					return false;
			}
			if (tc >= prev && tc <= hi)
				matched = true;
			if ((flags & GITWILD_CASEFOLD) && isalpha(tc)) {
				int l = tolower(tc), u = toupper(tc);
				if ((l >= prev && l <= hi) ||
				    (u >= prev && u <= hi))
					matched = true;
			}
			prev = -1;
		} else if (c == '[' && p[1] == ':') {
			const unsigned char *s = p + 2, *e = s;
			while (*e && *e != ']')
				e++;
			if (!*e)
				return false;
			if (e - s >= 1 && e[-1] == ':') {
				size_t len = (size_t)(e - s - 1);
				if (class_named((const char *)s, len, tc) ||
				    ((flags & GITWILD_CASEFOLD) &&
				     class_named((const char *)s, len,
						 isupper(tc) ? tolower(tc)
							     : toupper(tc))))
					matched = true;
				p = e;
				prev = -1;
			} else {
				/* "[:" not closed by ":]": a literal '[' */
				if (tc == '[')
					matched = true;
				prev = '[';
			}
		} else {
			if (fold(c, flags) == fold(tc, flags))
				matched = true;
			prev = c;
		}
		p++;
	}
	*pp = p + 1;
	*ok = matched != neg;
	if ((flags & GITWILD_PATHNAME) && tc == '/')
		*ok = false;
	return true;
}

static int dowild(const unsigned char *p, const unsigned char *text,
		  unsigned flags)
{
	for (; *p; text++, p++) {
		int pc = *p, tc = *text;
		if (!tc && pc != '*')
			return W_ABORT_ALL;
		switch (pc) {
		case '\\':
			pc = *++p;
			if (!pc)
				return W_NOMATCH;
			if (fold(pc, flags) != fold(tc, flags))
				return W_NOMATCH;
			continue;
		case '?':
			if ((flags & GITWILD_PATHNAME) && tc == '/')
				return W_NOMATCH;
			continue;
		case '[': {
			bool ok = false;
			const unsigned char *q = p + 1;
			if (!bracket(&q, tc, flags, &ok))
				return W_ABORT_ALL;
			if (!ok)
				return W_NOMATCH;
			p = q - 1;
			continue;
		}
		case '*':
			break;
		default:
			if (fold(pc, flags) != fold(tc, flags))
				return W_NOMATCH;
			continue;
		}
		/* a star */
		bool match_slash;
		const unsigned char *start = p;
		if (p[1] == '*') {
			while (p[1] == '*')
				p++;
			const unsigned char *after = p + 1;
			/* start[-1] exists: gitwild_match puts a '/' before
			 * the pattern (a leading "**" is a whole component) */
			bool whole = (flags & GITWILD_PATHNAME) &&
				     start[-1] == '/' &&
				     (!*after || *after == '/' ||
				      (after[0] == '\\' && after[1] == '/'));
			if (whole) {
				if (*after == '/' &&
				    dowild(after + 1, text, flags) == W_MATCH)
					return W_MATCH;
				match_slash = true;
			} else {
				match_slash = !(flags & GITWILD_PATHNAME);
			}
		} else {
			match_slash = !(flags & GITWILD_PATHNAME);
		}
		p++;
		if (!*p) {
			if (!match_slash && strchr((const char *)text, '/'))
				return W_ABORT_TO_STARSTAR;
			return W_MATCH;
		}
		for (;; text++) {
			int r = dowild(p, text, flags);
			if (r != W_NOMATCH) {
				if (!match_slash || r != W_ABORT_TO_STARSTAR)
					return r;
			}
			if (!*text)
				return W_ABORT_ALL;
			if (!match_slash && *text == '/')
				return W_ABORT_TO_STARSTAR;
		}
	}
	return *text ? W_NOMATCH : W_MATCH;
}

int gitwild_match(const char *pattern, const char *text, unsigned flags)
{
	/* the star code looks at the byte before a "**": give the pattern a
	 * leading '/' stand-in so that the first byte has one. Each star is
	 * a level of recursion: long patterns are refused. */
	size_t l = strlen(pattern);
	if (l > GITWILD_PATTERN_MAX || strlen(text) > TG_PATH_MAX)
		return -1;
	char *buf = malloc(l + 2);
	if (!buf)
		return -1;
	buf[0] = '/';
	memcpy(buf + 1, pattern, l + 1);
	int r = dowild((const unsigned char *)buf + 1,
		       (const unsigned char *)text, flags);
	free(buf);
	return r == W_MATCH;
}
