/* SPDX-License-Identifier: MIT */
/*
 * dnsproxy: the message logic of policyd's DNS forwarder, for programs
 * whose DNS the eBPF layer steers to it (bpf/README.md). No sockets of
 * its own and no global state: policyd's loop owns the sockets and
 * calls in.
 *
 *   query from a program   -> dnsproxy_query(): a parsed, checked
 *        question; the caller's decide() says whether the session may
 *        look the name up; denied names are answered at once (NXDOMAIN
 *        or REFUSED), allowed ones are sent upstream as a new query of
 *        our own (new random ID, the question re-encoded, an OPT record
 *        only if the program sent one, no EDNS options: nothing else of
 *        the program's bytes reaches the resolver).
 *   answer from upstream   -> dnsproxy_answer(): matched to its query by
 *        ID and question, parsed whole; the A/AAAA addresses of the name
 *        (through its CNAMEs) go to learn() before the answer is handed
 *        back for the program, with the program's ID and TTLs no longer
 *        than max_ttl.
 *   every second or so     -> dnsproxy_expire()
 *
 * Lifecycle: dnsproxy_new() -> query/answer/expire... -> dnsproxy_free().
 * Returns 0 or -errno; no logging.
 */
#ifndef TIERGATE_DNSPROXY_H
#define TIERGATE_DNSPROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct dnsproxy;

enum dnsproxy_verdict {
	DNSPROXY_FORWARD,
	DNSPROXY_NXDOMAIN,
	DNSPROXY_REFUSED,
	DNSPROXY_VERDICT_MAX,
};

struct dnsproxy_ops {
	/* May session look up name (lower case, no trailing dot)? */
	enum dnsproxy_verdict (*decide)(void *session, const char *name,
					uint16_t qtype);
	/* An address of name (as asked; reached through CNAMEs or not),
	 * IPv4 as ::ffff:a.b.c.d, for ttl seconds (already within
	 * [min_ttl, max_ttl]). Called before the answer is released; < 0
	 * makes the answer a SERVFAIL. */
	int (*learn)(void *session, const char *name, const uint8_t addr[16],
		     uint32_t ttl);
};

struct dnsproxy_opts {
	uint32_t min_ttl;     /* 0: 5 s */
	uint32_t max_ttl;     /* 0: 1 day */
	uint32_t timeout_ms;  /* 0: 5000 */
	unsigned max_pending; /* 0: 256 (queries waiting for upstream) */
};

/* Where an answer goes: policyd's, kept and given back untouched. */
struct dnsproxy_client {
	int fd; /* the forwarder socket it came on */
	bool tcp;
	struct sockaddr_storage addr; /* UDP: the program's address */
	socklen_t addrlen;
};

int dnsproxy_new(const struct dnsproxy_ops *ops,
		 const struct dnsproxy_opts *opts, struct dnsproxy **ret);
void dnsproxy_free(struct dnsproxy *p);

/*
 * A query (one message, without TCP's length prefix) from a program of
 * session. Either *ret_len > 0 and out holds the answer for the program
 * (REFUSED, NXDOMAIN, FORMERR, NOTIMP, or SERVFAIL when too many queries
 * wait), or *ret_len == 0 and the query went to upstream_fd (a connected
 * UDP socket) and waits. -EBADMSG: not even a query header (drop it).
 * out must hold DNS_MAX_MSG bytes or at least the query's length + 11.
 */
int dnsproxy_query(struct dnsproxy *p, void *session,
		   const struct dnsproxy_client *client, const uint8_t *msg,
		   size_t len, int upstream_fd, uint64_t now_ms, uint8_t *out,
		   size_t outsz, size_t *ret_len);

/*
 * A datagram read from an upstream socket. -ENOENT: no query waits for
 * it (late, or not an answer to us: drop it). Otherwise out holds the
 * program's answer (*ret_len bytes, cut to 512 with TC set for a UDP
 * program that sent no OPT, or to its OPT size), *ret_client and
 * *ret_session say where it goes.
 */
int dnsproxy_answer(struct dnsproxy *p, const uint8_t *msg, size_t len,
		    uint8_t *out, size_t outsz, size_t *ret_len,
		    struct dnsproxy_client *ret_client, void **ret_session);

/* Forgets queries older than the timeout; returns how many. */
int dnsproxy_expire(struct dnsproxy *p, uint64_t now_ms);
/* Forgets the session's queries (at its end). */
void dnsproxy_forget(struct dnsproxy *p, void *session);
/* Queries waiting for upstream. */
unsigned dnsproxy_pending(const struct dnsproxy *p);

#endif
