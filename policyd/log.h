/* SPDX-License-Identifier: MIT */
/* log: policyd's own log (stderr; the log file once it has detached). Only
 * the daemon logs: the engine and the helpers return codes. */
#ifndef TIERGATE_LOG_H
#define TIERGATE_LOG_H

/* One line, "policyd HH:MM:SS: " and the message (UTC). */
void daemon_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
