/* SPDX-License-Identifier: MIT */
/*
 * redact: secrets taken out of text before it leaves the machine (prompt
 * notifications): values of NAME=VALUE / --NAME=VALUE / --NAME VALUE whose
 * name says token, password, secret, key or auth; credentials in URLs
 * (scheme://user:pass@); Authorization and Bearer values; and tokens of
 * well-known shapes (ghp_, github_pat_, sk-, xox?-, AKIA...). Each becomes
 * "***". Pure: no I/O.
 */
#ifndef TIERGATE_REDACT_H
#define TIERGATE_REDACT_H

#include <stddef.h>

/* s (NUL-terminated) redacted into out (outsz bytes, always terminated). */
void redact(const char *s, char *out, size_t outsz);

#endif
