/* SPDX-License-Identifier: MIT */
/*
 * ctl_log: `policyctl log`, the audit log as a table (columns as wide as
 * what they hold) or as its JSON lines, for one session named by id or by
 * name, and followed across rotations.
 */
#ifndef TIERGATE_CTL_LOG_H
#define TIERGATE_CTL_LOG_H

/* argv[0] is "log"; mode as in ctl_conn.h. Returns the exit status. */
int ctl_log(int mode, int argc, char **argv);

#endif
