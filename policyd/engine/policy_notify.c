/* SPDX-License-Identifier: MIT */
/*
 * policy_notify: settings.notify.
 *
 *   notify:
 *     webhook: https://hooks.example.com/T0/B0/x   # http or https
 *     format: slack                                # json (default) | slack
 *     command: ["/usr/local/bin/page-oncall", "--tiergate"]
 *     timeout: 5s                                  # 100ms .. 60s
 *     user: tg-notify                              # system mode: run as
 */
#include "policy_notify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NOTIFY_URL_MAX 2048
#define NOTIFY_ARGS_MAX 64

void policy_notify_free(struct policy_notify *n)
{
	if (!n)
		return;
	free(n->webhook);
	tg_strv_free(n->command);
	free(n->user);
	free(n);
}

static int webhook(struct loader *L, const struct ynode *v,
		   struct policy_notify *n)
{
	const char *s = loader_scalar(L, v, "notify.webhook");
	if (!s)
		return -EINVAL;
	if ((strncmp(s, "http://", 7) && strncmp(s, "https://", 8)) ||
	    strlen(s) > NOTIFY_URL_MAX || strpbrk(s, " \t\r\n")) {
		loader_err(L, v,
			   "notify.webhook must be an http:// or https:// URL "
			   "without spaces (at most 2048 bytes), not '%.80s'",
			   s);
		return -EINVAL;
	}
	return (n->webhook = strdup(s)) ? 0 : -ENOMEM;
}

static int command(struct loader *L, const struct ynode *v,
		   struct policy_notify *n)
{
	if (v->type != YN_SEQ || !v->n || v->n > NOTIFY_ARGS_MAX) {
		loader_err(L, v,
			   "notify.command must be a list: the program's "
			   "absolute path, then its arguments (at most 64), "
			   "e.g. [\"/usr/bin/notify-send\", \"tiergate\"]");
		return -EINVAL;
	}
	char **argv = calloc(v->n + 1, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		const char *s = loader_scalar(L, v->items[i], "notify.command");
		if (!s || !(argv[i] = strdup(s))) {
			tg_strv_free(argv);
			return s ? -ENOMEM : -EINVAL;
		}
	}
	if (argv[0][0] != '/') {
		/* no PATH search: which program runs must not depend on the
		 * environment policyd was started in */
		loader_err(L, v->items[0],
			   "notify.command's program must be an absolute "
			   "path, not '%.80s'",
			   argv[0]);
		tg_strv_free(argv);
		return -EINVAL;
	}
	n->command = argv;
	return 0;
}

static int user(struct loader *L, const struct ynode *v,
		struct policy_notify *n)
{
	const char *s = loader_scalar(L, v, "notify.user");
	if (!s)
		return -EINVAL;
	size_t l = strlen(s);
	if (!l || l > 32 || strspn(s, "abcdefghijklmnopqrstuvwxyz"
				      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
				l || s[0] == '-') {
		loader_err(L, v, "notify.user must be an account name, not "
				 "'%.40s'",
			   s);
		return -EINVAL;
	}
	return (n->user = strdup(s)) ? 0 : -ENOMEM;
}

static int one(struct loader *L, const char *k, const struct ynode *v,
	       struct policy_notify *n)
{
	if (!strcmp(k, "webhook"))
		return webhook(L, v, n);
	if (!strcmp(k, "command"))
		return command(L, v, n);
	if (!strcmp(k, "user"))
		return user(L, v, n);
	const char *s = loader_scalar(L, v, k);
	if (!s)
		return -EINVAL;
	if (!strcmp(k, "format")) {
		static const char *const w[] = {"json", "slack", NULL};
		int i;
		if (loader_word(L, v, "notify.format", s, w, &i) < 0)
			return -EINVAL;
		n->slack = i == 1;
		return 0;
	}
	uint64_t ms; /* timeout */
	if (tg_parse_duration_ms(s, &ms) < 0 || ms < 100 || ms > 60000) {
		loader_err(L, v,
			   "notify.timeout must be 100ms to 60s, not '%.40s'",
			   s);
		return -EINVAL;
	}
	n->timeout_ms = ms;
	return 0;
}

int settings_notify(struct loader *L, const struct ynode *n)
{
	if (ynode_is_null(n))
		return 0;
	if (n->type != YN_MAP) {
		loader_err(L, n, "'notify' must be a mapping (webhook, format, "
				 "command, timeout, user), not %s",
			   ynode_type_name(n));
		return -EINVAL;
	}
	static const char *const keys[] = {"webhook", "format",	 "command",
					   "timeout", "user", NULL};
	int rc = loader_check_keys(L, n, keys, "notify") ? 0 : -EINVAL;
	struct policy_notify *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->timeout_ms = 5000;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *k = n->items[i]->str;
		size_t j = 0;
		while (keys[j] && strcmp(keys[j], k))
			j++;
		if (!keys[j])
			continue; /* reported above */
		int r = one(L, k, n->items[i + 1], p);
		if (r == -ENOMEM) {
			policy_notify_free(p);
			return r;
		}
		if (r < 0)
			rc = r;
	}
	if (rc == 0 && !p->webhook && !p->command) {
		loader_err(L, n, "'notify' needs a webhook or a command (or "
				 "both)");
		rc = -EINVAL;
	}
	if (rc == 0 && ytree_get(n, "format") && !p->webhook) {
		loader_err(L, ytree_get(n, "format"),
			   "notify.format is the webhook's payload: give a "
			   "webhook too");
		rc = -EINVAL;
	}
	if (rc < 0) {
		policy_notify_free(p);
		return rc;
	}
	/* a later `notify:` (an including file's) replaces an earlier one */
	policy_notify_free(L->p->settings.notify);
	L->p->settings.notify = p;
	return 0;
}
