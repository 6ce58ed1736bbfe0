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

#endif
