/* SPDX-License-Identifier: MIT */
/*
 * The resolver's workers are shared fairly between sessions: one session's
 * lookups that a slow DNS server answers late neither take every worker
 * nor the whole queue. getaddrinfo is replaced (-Wl,--wrap): a name
 * starting with "slow" blocks until the test lets it go; any other name
 * is 127.0.0.1 at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "resolver.h"

struct daemon D;

int __real_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res);
int __wrap_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res);

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool release;
static int slow_running, slow_max;

int __wrap_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res)
{
	if (!strncmp(node, "slow", 4)) {
		pthread_mutex_lock(&mu);
		if (++slow_running > slow_max)
			slow_max = slow_running;
		while (!release)
			pthread_cond_wait(&cv, &mu);
		slow_running--;
		pthread_mutex_unlock(&mu);
		return EAI_NONAME;
	}
	return __real_getaddrinfo("127.0.0.1", service, hints, res);
}

static const uint8_t lo[16] = {0, 0, 0,	   0,	 0,   0, 0, 0,
			       0, 0, 0xff, 0xff, 127, 0, 0, 1};

static int running_now(void)
{
	pthread_mutex_lock(&mu);
	int n = slow_running;
	pthread_mutex_unlock(&mu);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* resolver_check until it stops saying -EAGAIN (2 s at most) */
static int settle(const char *host, const char *owner)
{
	int r = -EAGAIN;
	for (int i = 0; i < 200 && r == -EAGAIN; i++) {
		r = resolver_check(host, lo, owner);
		if (r == -EAGAIN)
			sleep_ms(10);
	}
	return r;
}

static void test_fair_sharing(void **state)
{
	(void)state;
	assert_int_equal(resolver_start(), 0);
	char name[64];
	/* session A: four slow names; two run, two wait */
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "slow-a%d.example", i);
		assert_int_equal(resolver_check(name, lo, "A"), -EAGAIN);
	}
	for (int i = 0; i < 200 && running_now() < 2; i++)
		sleep_ms(10);
	sleep_ms(100);
	assert_int_equal(running_now(), 2);
	/* session B is not behind A: its name is looked up at once */
	assert_int_equal(settle("fast.example", "B"), 1);
	/* and a slow name of B's runs beside A's two */
	assert_int_equal(resolver_check("slow-b.example", lo, "B"), -EAGAIN);
	for (int i = 0; i < 200 && running_now() < 3; i++)
		sleep_ms(10);
	assert_int_equal(running_now(), 3);
	/* A may keep 16 names waiting; the next is not looked up */
	int queued = 2, busy = 0;
	for (int i = 4; i < 40 && !busy; i++) {
		snprintf(name, sizeof(name), "slow-a%d.example", i);
		int r = resolver_check(name, lo, "A");
		if (r == -EAGAIN)
			queued++;
		else if (r == -EBUSY)
			busy = 1;
	}
	assert_int_equal(queued, 16);
	assert_true(busy);
	/* B still gets its names looked up */
	assert_int_equal(settle("fast2.example", "B"), 1);
	assert_true(slow_max <= 3);
	pthread_mutex_lock(&mu);
	release = true;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	/* a name that does not resolve: "no" */
	assert_int_equal(settle("slow-a0.example", "A"), 0);
	/* a result is cached: no lookup, the same answer */
	uint64_t n = D.n_lookups;
	assert_int_equal(resolver_check("fast.example", lo, "C"), 1);
	assert_int_equal(D.n_lookups, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fair_sharing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
