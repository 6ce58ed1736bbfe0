/* SPDX-License-Identifier: MIT */
/*
 * policy_hints: for a host, CIDR, port or path value the loader refuses, a
 * message that says what is wrong and what to write instead, foreseeing
 * the common mistakes (a URL where a host name goes, HOST:PORT, a port
 * range written with ':', a CIDR with host bits set, a relative path ...).
 * Pure functions of the value; each writes the whole message into buf.
 * Not for use outside the engine.
 */
#ifndef TIERGATE_POLICY_HINTS_H
#define TIERGATE_POLICY_HINTS_H

#include <stdbool.h>
#include <stddef.h>

/* Is v a URL (scheme://...)? Then the message for field (host, not_host,
 * cidr or not_cidr) into buf. */
bool hints_url(const char *field, const char *v, char *buf, size_t n);
/* The host of a URL and its port (written, or its scheme's; 0 when
 * unknown). False when v is not a URL with a host. */
bool hints_url_target(const char *v, char *host, size_t hostsz,
		      unsigned *ret_port);
/* host or not_host: v looked like an address (perr NULL: the address
 * parser's error is aerr) or is not a valid name (perr: why). */
void hints_host(const char *field, const char *v, const char *aerr,
		const char *perr, char *buf, size_t n);
/* cidr or not_cidr: v is not a CIDR block (err: why). */
void hints_cidr(const char *field, const char *v, const char *err, char *buf,
		size_t n);
/* port or not_port: v is not a port or range. */
void hints_port(const char *field, const char *v, char *buf, size_t n);

/* What a path pattern names. */
enum hint_path {
	HINT_PATH_FILE,	   /* open path */
	HINT_PATH_PROGRAM, /* exec path */
	HINT_PATH_DIR,	   /* exec cwd */
	HINT_PATH_SOCKET,  /* connect unix: a path or @NAME */
	HINT_PATH_MAX,
};
/* field: v is not absolute. */
void hints_relative_path(enum hint_path what, const char *field, const char *v,
			 char *buf, size_t n);

#endif
