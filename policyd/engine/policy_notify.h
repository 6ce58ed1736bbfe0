/* SPDX-License-Identifier: MIT */
/*
 * policy_notify: `settings.notify` (where policyd sends each prompt of a
 * session of this policy, and its outcome): a webhook and/or a command.
 * Not for use outside the engine (policy.h has struct policy_notify).
 */
#ifndef TIERGATE_POLICY_NOTIFY_H
#define TIERGATE_POLICY_NOTIFY_H

#include "policy_loader.h"

/* settings.notify's mapping n into L's policy. 0 or -EINVAL (reported). */
int settings_notify(struct loader *L, const struct ynode *n);

#endif
