/* SPDX-License-Identifier: MIT */
#include "jsonw.h"

#include <stdint.h>
#include <string.h>

#include "util.h"

size_t jsonw_utf8_len(const unsigned char *s, size_t n)
{
	if (!n)
		return 0;
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t len = c >= 0xc2 && c < 0xe0   ? 2
		     : c >= 0xe0 && c < 0xf0 ? 3
		     : c >= 0xf0 && c < 0xf5 ? 4
					     : 0;
	if (!len || len > n)
		return 0;
	uint32_t cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF (0xc0/0xc1 are
	 * refused above) */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Where the first lim bytes of s end on a character boundary: a cut
 * never splits a character into bytes that would look invalid. Also tells
 * whether they hold an invalid byte. */
static size_t scan(const unsigned char *s, size_t n, size_t lim,
		   bool *ret_invalid)
{
	size_t i = 0;
	bool invalid = false;
	while (i < lim) {
		size_t k = jsonw_utf8_len(s + i, n - i);
		if (!k) {
			invalid = true;
			k = 1;
		}
		if (i + k > lim)
			break;
		i += k;
	}
	*ret_invalid = invalid;
	return i;
}

void jsonw_str(struct strbuf *b, const char *s, size_t cap,
	       bool *ret_escaped)
{
	if (!s) {
		strbuf_puts(b, "null");
		return;
	}
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);
	bool esc;
	size_t lim = scan(u, n, n > cap ? cap : n, &esc);
	strbuf_putc(b, '"');
	for (size_t i = 0; i < lim;) {
		size_t k = jsonw_utf8_len(u + i, n - i);
		unsigned char c = u[i];
		if (k == 2 && c == 0xc2 && u[i + 1] < 0xa0) {
			/* a C1 control (U+0080..U+009F): a terminal that
			 * honours them takes U+009B as CSI and U+009D as OSC,
			 * and the audit log and policyctl's answers reach
			 * terminals (tests/bypass/promptc1.sh) */
			strbuf_printf(b, "\\u%04x", (unsigned)u[i + 1]);
			i += k;
			continue;
		}
		if (k > 1) {
			strbuf_append(b, s + i, k);
			i += k;
			continue;
		}
		i++;
		if (!k)
			strbuf_printf(b, "\\\\x%02x", c);
		else if (c == '\\')
			strbuf_puts(b, esc ? "\\\\\\\\" : "\\\\");
		else if (c == '"')
			strbuf_puts(b, "\\\"");
		else if (c == '\n')
			strbuf_puts(b, "\\n");
		else if (c == '\t')
			strbuf_puts(b, "\\t");
		else if (c == '\r')
			strbuf_puts(b, "\\r");
		else if (c < 0x20 || c == 0x7f)
			strbuf_printf(b, "\\u%04x", c);
		else
			strbuf_putc(b, (char)c);
	}
	if (n > lim)
		strbuf_printf(b, "...[+%zu bytes]", n - lim);
	strbuf_putc(b, '"');
	if (esc && ret_escaped)
		*ret_escaped = true;
}
