/* SPDX-License-Identifier: MIT */
/*
 * egress_dns: the sockets of policyd's DNS forwarder (the message logic
 * is dnsproxy.c). Each session has its own port on 127.0.0.1 (and ::1
 * when the host has it), UDP and TCP: the eBPF layer steers the
 * session's port-53 traffic there, and the socket a query arrives on
 * says whose it is. Allowed names go to the first resolver of
 * resolv.conf through one connected UDP socket of policyd's own.
 *
 * Lifecycle: edns_init(epoll fd, ops) -> edns_open() per session ->
 * edns_event() for the tags it registered -> edns_close() ->
 * edns_shutdown(). Used by egress_glue.c only.
 */
#ifndef TIERGATE_EGRESS_DNS_H
#define TIERGATE_EGRESS_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "dnsproxy.h"

struct edns_sess;

/* The kind every tag this module puts in the epoll set starts with (the
 * glue's own tags use EDNS_TAG_OTHER). */
enum edns_tag_kind {
	EDNS_TAG_OTHER,
	EDNS_TAG_UDP,
	EDNS_TAG_TCP_LISTEN,
	EDNS_TAG_TCP_CONN,
	EDNS_TAG_UPSTREAM,
	EDNS_TAG_MAX,
};

/* 0, or -errno with why (no resolver, no loopback): DNS is then not
 * steered. ops' session pointer is the owner given to edns_open. */
int edns_init(int ep, const struct dnsproxy_ops *ops, char *why, size_t whysz);
void edns_shutdown(void);
/* The forwarder's addresses for egress_dns_set: IPv4 in network order,
 * has6 when ::1 is bound too. */
void edns_addrs(uint32_t *ret_addr4, int *ret_has6);
/* The local port of the socket to the resolver, for
 * egress_port_reserve: a session that could send to it from the
 * resolver's address and port (IP_PKTINFO, when the resolver is on this
 * machine) would be answering the forwarder's queries. */
int edns_upstream_port(uint16_t *ret_port);
/* A session's sockets; its port in *ret_port. */
int edns_open(void *owner, struct edns_sess **ret, uint16_t *ret_port);
void edns_close(struct edns_sess *d);
/* A readable tag of kind > EDNS_TAG_OTHER. */
void edns_event(void *tag, uint32_t events);
/* Timeouts (queries, TCP clients); call about every second. */
void edns_tick(void);
/* Queries waiting for upstream, answered names, refused names. */
void edns_counts(unsigned *ret_pending, uint64_t *ret_forwarded,
		 uint64_t *ret_refused);

#endif
