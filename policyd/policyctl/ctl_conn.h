/* SPDX-License-Identifier: MIT */
/*
 * ctl_conn: policyctl's requests on policyd's control socket (one request
 * line, the whole answer, then policyd closes).
 *
 * mode: -1 the system daemon if it runs, else the user's; 0 user; 1
 * system (policyctl --user / --system).
 */
#ifndef TIERGATE_CTL_CONN_H
#define TIERGATE_CTL_CONN_H

#include <stdbool.h>
#include <stddef.h>

/* Sends line, returns the answer (malloc'd) in *ret: 0, or -ECONNREFUSED
 * when no policyd answers (said on stderr unless quiet), -EIO, -ENOMEM. */
int ctl_request(int mode, const char *line, bool quiet, char **ret);
/* Sends line and returns the connection (policyd keeps writing on it:
 * watch), or -ECONNREFUSED (said on stderr) / -EIO. */
int ctl_stream(int mode, const char *line);

#endif
