/* The second thread of the race attacks: it re-points a descriptor number
 * (dup2) between two files in turn, or flips a path string (static_name_race
 * has its own), while the main thread uses it; and the waits that make sure
 * it runs between two tries however busy the machine is. */
#ifndef TG_BYPASS_FLIP_H
#define TG_BYPASS_FLIP_H

#include <sched.h>
#include <unistd.h>

static volatile unsigned long flips;
static int fds[3]; /* the flipping number, and the two it points at */

static void *flip_fd(void *p)
{
	(void)p;
	for (unsigned long i = 0;; i++) {
		dup2(fds[1 + (i & 1)], fds[0]);
		flips = i;
	}
	return NULL;
}

/* on a loaded machine a new thread may not have run yet: start once it
 * is flipping */
static inline void wait_flipping(void)
{
	while (flips < 1000)
		sched_yield();
}

/* between two tries the second thread flips at least once (a try takes a
 * microsecond natively: without this, a loop of thousands could run inside
 * one time slice in which it never ran) */
static inline void wait_flip_since(unsigned long f0)
{
	while (flips == f0)
		sched_yield();
}

#endif
