/* SPDX-License-Identifier: MIT */
/* ip_spawn: posix_spawn and its file actions (see ip_spawn.c). */
#ifndef TIERGATE_IP_SPAWN_H
#define TIERGATE_IP_SPAWN_H

#pragma GCC visibility push(hidden)

/* fork(): the file actions' lock, taken in the parent around it (before
 * any other: it is held while an action is decided) */
void ip_spawn_lock(void);
void ip_spawn_unlock(void);

#pragma GCC visibility pop

#endif
