/* SPDX-License-Identifier: MIT */
/*
 * egress_events: what policyd makes of the eBPF egress layer's events
 * (refusals, log-tier connects, spent totals, from its ring buffer):
 * audit lines naming the session and the rule, at most
 * EVENTS_PER_SECOND a second per session, and for a refused call of a
 * session's process the one-line reason on its stderr. Called by
 * egress_glue.c for each event; one thread (policyd's loop).
 */
#ifndef TIERGATE_EGRESS_EVENTS_H
#define TIERGATE_EGRESS_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "egress.h"

struct policy;

#define EVENTS_PER_SECOND 50 /* audit lines per session, then counted */

/* A session's audit budget (zeroed with the session). */
struct egress_ev_rate {
	uint64_t second, suppressed;
	unsigned count;
};

/* The session an event came from, as the glue knows it. */
struct egress_ev_sess {
	const char *id, *name;
	uid_t uid;
	const struct policy *policy;
	bool supervised; /* the kernel path audits its connects */
	const char *cgroup; /* relative to the mount, as /proc/PID/cgroup */
	struct egress_ev_rate *rate;
};

/* ev came from the cgroup of session s (NULL: not one of this policyd's,
 * e.g. adopted from an earlier one). */
void egress_event_record(const struct egress_event *ev,
			 const struct egress_ev_sess *s);

#endif
