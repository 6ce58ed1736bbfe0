/* SPDX-License-Identifier: MIT */
/* ip_net: the network hooks and the names lookups gave (see ip_net.c). */
#ifndef TIERGATE_IP_NET_H
#define TIERGATE_IP_NET_H

#pragma GCC visibility push(hidden)

/* fork(): the names table's lock, taken in the parent around it */
void ip_net_lock(void);
void ip_net_unlock(void);

#pragma GCC visibility pop

#endif
