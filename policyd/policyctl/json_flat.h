/* SPDX-License-Identifier: MIT */
/*
 * json_flat: reading the JSON policyd writes (audit records, `sessions
 * --json`): objects whose members policyctl wants are strings, numbers,
 * true, false or null. Nested arrays and objects are skipped whole (an
 * audit record's argv). Strict enough for what it reads, never more
 * trusting: every read is bounded by the text's end and by the caller's
 * buffers, and anything malformed is -EBADMSG.
 */
#ifndef TIERGATE_JSON_FLAT_H
#define TIERGATE_JSON_FLAT_H

#include <stddef.h>
#include <stdio.h>

/* Called for each member of an object: its key and its value (a string
 * decoded, anything else as written; cut to fit the scratch buffer). */
typedef void (*jflat_member_fn)(const char *key, const char *value, void *ud);

/* Reads the object starting at *p (spaces before it skipped), calling fn
 * for each member; *p then points past it. 0 or -EBADMSG. */
int jflat_object(const char **p, const char *end, jflat_member_fn fn,
		 void *ud);

/* Reads an array of objects starting at *p, calling fn for each member
 * of each and obj_fn(start, len, ud) after each object with its text. 0 or
 * -EBADMSG. */
int jflat_array(const char **p, const char *end, jflat_member_fn fn,
		void (*obj_fn)(const char *start, size_t len, void *ud),
		void *ud);

/* One member of the object in line: its value into out (as jflat_object
 * gives it), or "" when the object has none. 0 or -EBADMSG. */
int jflat_get(const char *line, const char *key, char *out, size_t cap);

/* Writes the JSON text line to f with every C1 control (U+0080..U+009F,
 * which policyd's JSON writer keeps as UTF-8) as \u0080..\u009f: the same
 * JSON, safe on a terminal that honours C1 controls (U+009B is CSI there,
 * U+009D OSC). `policyctl log --json` prints audit records with it. */
void jflat_fput_c1safe(const char *line, FILE *f);

#endif
