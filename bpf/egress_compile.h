/* SPDX-License-Identifier: MIT */
/*
 * egress_compile: a session's connect rules and host addresses as the
 * prefixes of an LPM trie (pure: no system calls; libtgbpf.a only).
 *
 * A longest-prefix lookup sees one prefix, so each prefix P holds every
 * entry that applies to the addresses whose longest match is P: the
 * entries of all CIDRs that contain P (a broader rule is copied into
 * each narrower prefix), less the rules excluded there (not_cidr or
 * not_host blocks containing P), plus, at a host address, that host's
 * entries. CIDRs are nested or disjoint, so this is exact. Entries are
 * sorted strictest first, then by rule index, and an entry that an
 * earlier one covers (protocols, ports and lifetime) is dropped: the
 * kernel's first match is the engine's decision.
 */
#ifndef TIERGATE_EGRESS_COMPILE_H
#define TIERGATE_EGRESS_COMPILE_H

#include <linux/bpf.h> /* struct bpf_spin_lock, for tg_egress.h */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "egress.h"
#include "tg_egress.h"

struct ec_host {
	struct egress_host h;
	uint32_t expires; /* CLOCK_MONOTONIC seconds, 0 = never */
};

struct ec_prefix {
	uint8_t addr[16];
	uint8_t plen;
	struct tg_rule_val val;
};

/* Checks rules (actions, protocols, ports, prefix lengths, host bits):
 * 0 or -EINVAL with a sentence in err. */
int ec_check_rules(const struct egress_rule *rules, size_t n, char *err,
		   size_t errsz);

/* Every prefix the trie needs, in a malloc'd array. -E2BIG (err says
 * which prefix) when one would hold more than TG_MAX_ENTRIES entries. */
int ec_compile(const struct egress_rule *rules, size_t nrules,
	       const struct ec_host *hosts, size_t nhosts,
	       struct ec_prefix **ret, size_t *ret_n, char *err, size_t errsz);

/* The value of the one host prefix (addr/128); *ret_needed is false
 * when no rule and no host puts a prefix there (the key is to be
 * deleted). */
int ec_host_prefix(const struct egress_rule *rules, size_t nrules,
		   const struct ec_host *hosts, size_t nhosts,
		   const uint8_t addr[16], struct tg_rule_val *ret,
		   bool *ret_needed, char *err, size_t errsz);

/* Does prefix a/alen contain b/blen? */
bool ec_covers(const uint8_t *a, uint8_t alen, const uint8_t *b, uint8_t blen);

#endif
