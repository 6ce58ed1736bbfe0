/* SPDX-License-Identifier: MIT */
/*
 * hello: a session's fast-path snapshot (the HELLO_OK message) kept as a
 * file, RUNDIR/hello/SESSION, so that a new process of the session reads
 * it instead of asking: no connect and no HELLO round trip per process
 * (issue 20). The message carries the generation it was made under; the
 * interposer takes it only while RUNDIR/generation still says so, and
 * asks policyd otherwise (after a reload, before policyd rewrote it).
 *
 * The snapshot is what HELLO answers any process of the session: the
 * policy's fast-path globs, the git identities, the backstop bits. It
 * grants nothing: a process that reads another session's (by changing
 * TIERGATE_SESSION) fools only its own interposer, which it can leave
 * anyway (docs/threat-model.md: the interposer is not a boundary).
 */
#ifndef TIERGATE_HELLO_H
#define TIERGATE_HELLO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Writes msg (n bytes) as the snapshot of session sid, readable by uid
 * only (a temporary file renamed over the old one: readers see a whole
 * message). 0 or -errno. */
int hello_file_write(const char *sid, uid_t uid, const uint8_t *msg, size_t n);
/* Removes session sid's snapshot (the session ended). */
void hello_file_remove(const char *sid);

#endif
