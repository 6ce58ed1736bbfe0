/* SPDX-License-Identifier: MIT */
/*
 * ctl_enforce: does this host enforce what only the eBPF egress layer
 * enforces (a policy's limits: and, against programs that bypass the
 * interposer and the seccomp path, its host rules)? For policyctl check,
 * which warns where such a policy says them: never silently.
 *
 * A running policyd is asked (`status --json`: its mode, and whether its
 * "eBPF cgroup egress" layer is active or why not). With none running,
 * the host is probed for what policyd would need, assuming policyd would
 * run as the user running check (root: the system daemon; anyone else:
 * a user daemon, which has no session cgroups): a cgroup v2 mount, the
 * kernel's BTF, CAP_BPF (or CAP_SYS_ADMIN) and CAP_NET_ADMIN (or
 * CAP_SYS_ADMIN) in the effective set, and a trivial cgroup_skb program
 * that loads. The warning says which of the two it is.
 */
#ifndef TIERGATE_CTL_ENFORCE_H
#define TIERGATE_CTL_ENFORCE_H

#include <stdbool.h>

struct policy;

struct ctl_enforce {
	bool known;    /* asked or probed already */
	bool enforced; /* the layer is (or, probed, could be) active */
	char why[700]; /* when not: the running policyd's reason, or the
			  probe's */
};

/* Fills h once (later calls keep it). */
void ctl_enforce_get(struct ctl_enforce *h);

/* Warns on stderr, FILE:LINE:COL: warning: ..., for each limits: key and
 * host rule of p that h says this host does not enforce. Asks h (once)
 * only when p has any. Returns how many warnings it wrote. */
unsigned ctl_enforce_warn(const struct policy *p, struct ctl_enforce *h);

#endif
