/* SPDX-License-Identifier: MIT */
/*
 * jsonw: JSON strings from bytes policyd does not control (paths, argv,
 * policy error text), always valid JSON in valid UTF-8.
 *
 * Valid UTF-8 is kept as it is; '"', '\\' and the C0 controls are escaped
 * (\n, \t, \r or \u00XX), DEL as \u007f, the C1 controls (U+0080 to
 * U+009F: CSI, OSC to a terminal that honours them) as \u0080..\u009f. A string
 * holding bytes that are not UTF-8 (a path is any bytes but NUL) is written
 * "escaped": each such byte as the four characters \xHH and each backslash
 * doubled, so the decoded text gives back the exact bytes (and says so:
 * *ret_escaped). Strings longer than cap bytes are cut on a character boundary
 * and end with "...[+N bytes]".
 */
#ifndef TIERGATE_JSONW_H
#define TIERGATE_JSONW_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf;

/* Appends s as a JSON string (null for NULL). *ret_escaped (if not NULL)
 * is set to true when invalid bytes were escaped, and left alone
 * otherwise. */
void jsonw_str(struct strbuf *b, const char *s, size_t cap,
	       bool *ret_escaped);

/* The length of the UTF-8 character at s (n bytes left): 1-4, or 0 when
 * the bytes there are not one (overlong, a surrogate, beyond U+10FFFF,
 * cut short). */
size_t jsonw_utf8_len(const unsigned char *s, size_t n);

#endif
