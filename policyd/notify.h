/* SPDX-License-Identifier: MIT */
/*
 * notify: prompt notifications for operators (policyd --notify-webhook
 * URL [--notify-format json|slack]): each prompt opened, answered, timed
 * out or withdrawn is posted to the webhook by a thread of its own, never
 * on the decision path. A bounded queue (64), a 5 s timeout per attempt,
 * five attempts with exponential backoff and jitter, then the notification
 * is dropped and audited (kind "notify", decision "dropped"). Command lines
 * and targets are redacted (redact.h) before they leave the machine.
 *
 * Lifecycle: notify_start() once -> notify_flush() after each round of the
 * loop (queues the new prompt events, audits drops).
 */
#ifndef TIERGATE_NOTIFY_H
#define TIERGATE_NOTIFY_H

#include <stdbool.h>

#include "util.h"

/* Starts the sender for url (http or https); slack: a Slack-compatible
 * incoming-webhook payload ({"text": ...}) instead of the JSON object.
 * 0 or -errno. */
int notify_start(const char *url, bool slack);
/* The prompt events since the last call, queued (main loop). */
void notify_flush(void);

#endif
