/* SPDX-License-Identifier: MIT */
/*
 * resolver: policyd never takes the agent's word that an address belongs to
 * a host name. When a connect names a host, policyd resolves the name itself
 * (in this thread, so a slow DNS server cannot stall the event loop) and
 * uses the name for host rules only if the address is among its results.
 * Results are cached for a minute; lookups taking over 5 s count as "no".
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "daemon.h"
#include "netaddr.h"
#include "util.h"

#define CACHE_SIZE 256
#define TTL_US (60ULL * 1000000)
#define MAX_ADDRS 16

struct entry {
	char host[256];
	uint64_t expires_us;
	bool done;
	uint64_t started_us;
	struct tg_addr addrs[MAX_ADDRS];
	unsigned naddrs;
};

static struct entry cache[CACHE_SIZE];
static unsigned next_slot;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static char queue[64][256];
static unsigned qhead, qtail;
static int evfd = -1;

static struct entry *find(const char *host)
{
	for (unsigned i = 0; i < CACHE_SIZE; i++)
		if (cache[i].host[0] && !strcmp(cache[i].host, host))
			return &cache[i];
	return NULL;
}

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		char host[256];
		pthread_mutex_lock(&lock);
		while (qhead == qtail)
			pthread_cond_wait(&cond, &lock);
		memcpy(host, queue[qhead % 64], sizeof(host));
		qhead++;
		pthread_mutex_unlock(&lock);

		struct tg_addr addrs[MAX_ADDRS];
		unsigned n = 0;
		struct addrinfo hints = {.ai_family = AF_UNSPEC,
					 .ai_socktype = SOCK_STREAM};
		struct addrinfo *res = NULL;
		if (getaddrinfo(host, NULL, &hints, &res) == 0) {
			for (struct addrinfo *ai = res; ai && n < MAX_ADDRS;
			     ai = ai->ai_next) {
				char buf[64];
				if (getnameinfo(ai->ai_addr, ai->ai_addrlen,
						buf, sizeof(buf), NULL, 0,
						NI_NUMERICHOST) == 0 &&
				    tg_addr_parse(buf, &addrs[n]) == 0)
					n++;
			}
			freeaddrinfo(res);
		}
		pthread_mutex_lock(&lock);
		struct entry *e = find(host);
		if (e) {
			memcpy(e->addrs, addrs, sizeof(addrs));
			e->naddrs = n;
			e->done = true;
			e->expires_us = tg_now_us() + TTL_US;
		}
		pthread_mutex_unlock(&lock);
		uint64_t one = 1;
		if (write(evfd, &one, sizeof(one)) < 0) {
			/* the loop also polls pending lookups on a timer */
		}
	}
	return NULL;
}

int resolver_start(void)
{
	evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (evfd < 0)
		return -errno;
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int r = pthread_create(&t, &attr, worker, NULL);
	pthread_attr_destroy(&attr);
	if (r) {
		close(evfd);
		return -r;
	}
	D.resolver_fd = evfd;
	return 0;
}

void resolver_drain(void)
{
	uint64_t v;
	while (read(evfd, &v, sizeof(v)) > 0) {
	}
}

int resolver_check(const char *host, const uint8_t addr[16])
{
	int r;
	uint64_t now = tg_now_us();
	pthread_mutex_lock(&lock);
	struct entry *e = find(host);
	if (e && e->done && e->expires_us > now) {
		r = 0;
		for (unsigned i = 0; i < e->naddrs; i++)
			if (!memcmp(e->addrs[i].b, addr, 16))
				r = 1;
	} else if (e && !e->done) {
		/* in flight: give up on the name after 5 s */
		r = now - e->started_us > 5000000 ? 0 : -EAGAIN;
	} else if (qtail - qhead >= 64) {
		r = 0; /* resolver overloaded: decide on the address alone */
	} else {
		if (!e) {
			e = &cache[next_slot++ % CACHE_SIZE];
		}
		memset(e, 0, sizeof(*e));
		snprintf(e->host, sizeof(e->host), "%s", host);
		e->started_us = now;
		memcpy(queue[qtail % 64], e->host, sizeof(e->host));
		qtail++;
		D.n_lookups++;
		pthread_cond_signal(&cond);
		r = -EAGAIN;
	}
	pthread_mutex_unlock(&lock);
	return r;
}
