/* SPDX-License-Identifier: MIT */
/*
 * ctl_watch: the terminal view of `policyctl watch` (see ctl_watch.c).
 */
#ifndef TIERGATE_CTL_WATCH_H
#define TIERGATE_CTL_WATCH_H

/* Shows the stream of policyd's connection fd (policyctl watch) for a
 * person and answers what they type (mode as in ctl_conn.h). Returns the
 * exit status when policyd goes away or on "q". */
int ctl_watch_tty(int fd, int mode);

#endif
