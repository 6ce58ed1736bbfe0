/* SPDX-License-Identifier: MIT */
/*
 * notify_text: the text of what policyd sends a webhook about a prompt
 * (notify.c), where the agent's bytes (a command line, a path) meet the
 * operator's chat or tools. Pure functions, no state.
 */
#ifndef TIERGATE_NOTIFY_TEXT_H
#define TIERGATE_NOTIFY_TEXT_H

#include <stddef.h>

#include "util.h"

/* s as a JSON string (quoted, escaped) appended to b: controls below
 * 0x20 and the C1 controls (U+0080 to U+009F, which terminals take as
 * CSI, OSC and the like) as \u00XX, the JSON still the same text. */
void notify_json_str(struct strbuf *b, const char *s);
/* s for the text of a Slack message, appended to b: at most max of its
 * bytes (cut where a UTF-8 character starts, and "..." said so), with
 * '&', '<' and '>' as Slack's &amp; &lt; &gt;, so that nothing of the
 * agent's is read as a mention (<!channel>, <@U123>) or a link
 * (<http://x|text>). */
void notify_slack_text(struct strbuf *b, const char *s, size_t max);

#endif
