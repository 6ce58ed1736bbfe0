/* SPDX-License-Identifier: MIT */
/*
 * sv_net: connect, sendto, sendmsg, sendmmsg and bind notifications.
 * Connects and addressed sends are decided on the address, the socket's
 * type (taken with pidfd_getfd) and the name the process looked up, if
 * policyd's own lookup agrees (a connect waits for that lookup: parked).
 * A Unix socket with a name in the file system is reached like a file
 * opened for writing; bind of one makes a file. Address families the
 * policy cannot speak of are refused, but the local ones.
 */
#ifndef TIERGATE_SV_NET_H
#define TIERGATE_SV_NET_H

#include "sv_call.h"

/* Answers k (connect or a send). 1: not answered, it waits for a host
 * lookup (the supervisor parks it and hands it in again); 0: answered. */
int sv_net(struct call *k);
/* Answers k (bind). 0. */
int sv_bind(struct call *k);
/* Answers k (socket() of a raw or packet socket, as the filter notifies
 * them): refused unless settings.raw_sockets. 0. */
int sv_socket(struct call *k);

#endif
