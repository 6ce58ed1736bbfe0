/* SPDX-License-Identifier: MIT */
/*
 * resolver: policyd never takes the agent's word that an address belongs to
 * a host name. When a connect names a host, policyd resolves the name itself
 * (on worker threads, so a slow DNS server cannot stall the event loop) and
 * uses the name for host rules only if the address is among its results.
 * Results are cached for a minute; lookups taking over 5 s count as "no".
 *
 * Sessions share the workers, fairly: a session has at most PER_SESSION
 * lookups running and QUEUED_PER_SESSION waiting, so one that asks for many
 * names a slow DNS server answers late delays only its own lookups. A
 * worker takes the oldest waiting lookup whose session has a running slot
 * free.
 */
#include "resolver.h"

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
#define GIVE_UP_US (5ULL * 1000000)
#define MAX_ADDRS 16
#define WORKERS 4
#define PER_SESSION 2
#define QUEUE_MAX 64
#define QUEUED_PER_SESSION 16
#define OWNER_LEN 32

struct entry {
	char host[256];
	uint64_t expires_us;
	bool done;
	uint64_t started_us;
	struct tg_addr addrs[MAX_ADDRS];
	unsigned naddrs;
};

struct job {
	char host[256];
	char owner[OWNER_LEN];
};

static struct entry cache[CACHE_SIZE];
static unsigned next_slot;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct job queue[QUEUE_MAX]; /* oldest first */
static unsigned nqueued;
static char running[WORKERS][OWNER_LEN]; /* "" when idle */
static int evfd = -1;

static struct entry *find(const char *host)
{
	for (unsigned i = 0; i < CACHE_SIZE; i++)
		if (cache[i].host[0] && !strcmp(cache[i].host, host))
			return &cache[i];
	return NULL;
}

static unsigned running_for(const char *owner)
{
	unsigned n = 0;
	for (unsigned i = 0; i < WORKERS; i++)
		n += running[i][0] && !strcmp(running[i], owner);
	return n;
}

static unsigned queued_for(const char *owner)
{
	unsigned n = 0;
	for (unsigned i = 0; i < nqueued; i++)
		n += !strcmp(queue[i].owner, owner);
	return n;
}

/* The oldest waiting job whose session may run another, or -1 */
static int next_job(void)
{
	for (unsigned i = 0; i < nqueued; i++)
		if (running_for(queue[i].owner) < PER_SESSION)
			return (int)i;
	return -1;
}

static void resolve(const char *host, struct tg_addr addrs[MAX_ADDRS],
		    unsigned *ret_n)
{
	unsigned n = 0;
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	if (getaddrinfo(host, NULL, &hints, &res) == 0) {
		for (struct addrinfo *ai = res; ai && n < MAX_ADDRS;
		     ai = ai->ai_next) {
			char buf[64];
			if (getnameinfo(ai->ai_addr, ai->ai_addrlen, buf,
					sizeof(buf), NULL, 0,
					NI_NUMERICHOST) == 0 &&
			    tg_addr_parse(buf, &addrs[n]) == 0)
				n++;
		}
		freeaddrinfo(res);
	}
	*ret_n = n;
}

static void *worker(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg;
	for (;;) {
		struct job j;
		int i;
		pthread_mutex_lock(&lock);
		while ((i = next_job()) < 0)
			pthread_cond_wait(&cond, &lock);
		j = queue[i];
		memmove(&queue[i], &queue[i + 1],
			(nqueued - (unsigned)i - 1) * sizeof(queue[0]));
		nqueued--;
		memcpy(running[me], j.owner, OWNER_LEN);
		pthread_mutex_unlock(&lock);

		struct tg_addr addrs[MAX_ADDRS];
		unsigned n;
		resolve(j.host, addrs, &n);

		pthread_mutex_lock(&lock);
		running[me][0] = '\0';
		struct entry *e = find(j.host);
		if (e) {
			memcpy(e->addrs, addrs, sizeof(addrs));
			e->naddrs = n;
			e->done = true;
			e->expires_us = tg_now_us() + TTL_US;
		}
		/* a slot of this session is free: a job of it may be next */
		pthread_cond_broadcast(&cond);
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
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int r = 0;
	for (unsigned i = 0; i < WORKERS && r == 0; i++) {
		pthread_t t;
		r = pthread_create(&t, &attr, worker, (void *)(uintptr_t)i);
	}
	pthread_attr_destroy(&attr);
	if (r) {
		/* threads already started wait for jobs nobody will queue */
		close(evfd);
		evfd = -1;
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

int resolver_check(const char *host, const uint8_t addr[16], const char *owner)
{
	int r;
	uint64_t now = tg_now_us();
	char who[OWNER_LEN];
	tg_strlcpy(who, sizeof(who), owner ? owner : "");
	pthread_mutex_lock(&lock);
	struct entry *e = find(host);
	if (e && e->done && e->expires_us > now) {
		r = 0;
		for (unsigned i = 0; i < e->naddrs; i++)
			if (!memcmp(e->addrs[i].b, addr, 16))
				r = 1;
	} else if (e && !e->done) {
		/* in flight (or waiting): give up on the name after 5 s */
		r = now - e->started_us > GIVE_UP_US ? 0 : -EAGAIN;
	} else if (nqueued >= QUEUE_MAX ||
		   queued_for(who) >= QUEUED_PER_SESSION) {
		r = -EBUSY; /* decide on the address alone */
	} else {
		if (!e)
			e = &cache[next_slot++ % CACHE_SIZE];
		memset(e, 0, sizeof(*e));
		tg_strlcpy(e->host, sizeof(e->host), host);
		e->started_us = now;
		struct job *j = &queue[nqueued++];
		memcpy(j->host, e->host, sizeof(j->host));
		memcpy(j->owner, who, sizeof(j->owner));
		D.n_lookups++;
		pthread_cond_broadcast(&cond);
		r = -EAGAIN;
	}
	pthread_mutex_unlock(&lock);
	return r;
}
