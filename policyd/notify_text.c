/* SPDX-License-Identifier: MIT */
#include "notify_text.h"

#include <stdbool.h>
#include <string.h>

void notify_json_str(struct strbuf *b, const char *s)
{
	strbuf_putc(b, '"');
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		unsigned char next = (unsigned char)s[1];
		if (ch == '"' || ch == '\\') {
			strbuf_printf(b, "\\%c", ch);
		} else if (ch < 0x20 || ch == 0x7f) {
			strbuf_printf(b, "\\u%04x", ch);
		} else if (ch == 0xc2 && next >= 0x80 && next <= 0x9f) {
			strbuf_printf(b, "\\u%04x", next); /* a C1 control */
			s++;
		} else {
			strbuf_putc(b, (char)ch);
		}
	}
	strbuf_putc(b, '"');
}

void notify_slack_text(struct strbuf *b, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	bool cut = n > max;
	if (cut) {
		n = max;
		/* back to where a character starts (not a continuation
		 * byte), so that no half of one is sent */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '&')
			strbuf_puts(b, "&amp;");
		else if (s[i] == '<')
			strbuf_puts(b, "&lt;");
		else if (s[i] == '>')
			strbuf_puts(b, "&gt;");
		else
			strbuf_putc(b, s[i]);
	}
	if (cut)
		strbuf_puts(b, "...");
}
