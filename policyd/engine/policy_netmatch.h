/* SPDX-License-Identifier: MIT */
/*
 * policy_netmatch: compiles the connect matcher of a rule (host patterns,
 * CIDRs, the `nameservers` entry, ports, protocol). Not for use outside the
 * engine.
 */
#ifndef TIERGATE_POLICY_NETMATCH_H
#define TIERGATE_POLICY_NETMATCH_H

#include "policy_loader.h"

/* Allocates the matcher into *ret even when it reports errors. */
int netmatch_connect(struct loader *L, const struct ynode *n,
		     struct connect_m **ret);
void netmatch_connect_free(struct connect_m *m);

#endif
