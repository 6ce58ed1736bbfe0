/* SPDX-License-Identifier: MIT */
/*
 * audit: the audit log, one JSON object per line (docs/operator-guide.md
 * lists the fields). Each line is written whole with one write(2) on an
 * O_APPEND descriptor, so readers never see half a line. Every line is
 * valid JSON in UTF-8 (jsonw.h: strings holding bytes that are not UTF-8
 * are escaped, and the record's "escaped" member names those fields);
 * long strings are cut with a "...[+N bytes]" marker. The file is rotated
 * (FILE.1 .. FILE.N) when it would grow past max_bytes.
 *
 * Lifecycle: audit_open() -> audit_write()* -> audit_close().
 */
#ifndef TIERGATE_AUDIT_H
#define TIERGATE_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define AUDIT_KEEP 5
#define AUDIT_MAX_FIELD 4096 /* bytes of one string field */
#define AUDIT_MAX_ARGV 16384 /* bytes of all argv entries together */

struct audit;

/* A member a kind of record adds after the common ones: a string, or a
 * number when str is NULL. */
struct audit_extra {
	const char *key; /* a literal: written as it is */
	const char *str;
	long long num;
};

#define AUDIT_MAX_EXTRA 8

struct audit_rec {
	uint64_t ts_us; /* 0: now */
	const char *session;
	const char *session_name; /* NULL: the namer's (audit_set_namer) */
	pid_t pid, ppid;
	uid_t uid;
	const char *exe;
	const char *const *argv;
	size_t argc;
	const char *cwd;
	const char *kind;     /* exec, open, connect, git, session, protocol */
	const char *target;   /* what was decided on */
	const char *rule;     /* rule id or "default" */
	int tier;	      /* 1, 2, 3; 0 for deny; -1 none */
	const char *action;   /* the rule's action */
	const char *decision; /* allowed, refused, ... */
	uint64_t latency_us;
	const char *detail; /* optional free text */
	struct audit_extra extra[AUDIT_MAX_EXTRA]; /* up to the first with
						      key NULL */
};

int audit_open(const char *path, uint64_t max_bytes, struct audit **ret);
int audit_write(struct audit *a, const struct audit_rec *r);
/* Formats one record as a JSON line (with '\n') into a malloc'd string. */
char *audit_format(const struct audit_rec *r);
const char *audit_path(const struct audit *a);
/* The session name audit_write() puts in records that give only the id:
 * every record names its session (`policyctl log --session NAME`). fn
 * returns NULL for an id it does not know. */
void audit_set_namer(struct audit *a, const char *(*fn)(const char *id));
void audit_set_max(struct audit *a, uint64_t max_bytes);
void audit_close(struct audit *a);

#endif
