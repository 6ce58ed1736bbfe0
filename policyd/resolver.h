/* SPDX-License-Identifier: MIT */
/*
 * resolver: verifies the host names the interposer reports (see resolver.c):
 * policyd looks a name up itself, on worker threads, and believes a name
 * for an address only if its own lookup gives that address. Counts its
 * lookups in D.n_lookups; the loop drains D.resolver_fd when one finishes.
 */
#ifndef TIERGATE_RESOLVER_H
#define TIERGATE_RESOLVER_H

#include <stdint.h>

/* Starts the workers and sets D.resolver_fd. 0 or -errno. */
int resolver_start(void);
/* 1: host resolves to addr for policyd; 0: it does not (or the lookup
 * took too long); -EAGAIN: looking it up (ask again when resolver_fd is
 * readable); -EBUSY: owner (a session id) has as many lookups waiting as
 * it may, or the queue is full: decide without the name */
int resolver_check(const char *host, const uint8_t addr[16], const char *owner);
/* Empties D.resolver_fd (the loop then retries what waited for a lookup). */
void resolver_drain(void);

#endif
