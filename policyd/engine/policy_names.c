/* SPDX-License-Identifier: MIT */
/* policy_names: the names of actions, event kinds, accesses and protocols,
 * both ways (declared in policy.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "util.h"

static const char *const action_names[POLICY_ACTION_MAX] = {
    [POLICY_ALLOW] = "allow",
    [POLICY_LOG] = "log",
    [POLICY_PROMPT] = "prompt",
    [POLICY_DENY] = "deny",
};

static const int action_tiers[POLICY_ACTION_MAX] = {
    [POLICY_ALLOW] = 1,
    [POLICY_LOG] = 2,
    [POLICY_PROMPT] = 3,
    [POLICY_DENY] = 0,
};

static const char *const kind_names[POLICY_EV_MAX] = {
    [POLICY_EV_EXEC] = "exec",
    [POLICY_EV_OPEN] = "open",
    [POLICY_EV_CONNECT] = "connect",
    [POLICY_EV_GIT] = "git",
};

static const char *const proto_names[POLICY_PROTO_MAX] = {
    [POLICY_PROTO_ANY] = "any",
    [POLICY_PROTO_TCP] = "tcp",
    [POLICY_PROTO_UDP] = "udp",
};

/* bit i of POLICY_ACC_* */
static const char *const access_names[] = {"read", "write", "create", "delete",
					   "exec"};

/* The index of s in names[0..n), or -1. */
static int name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *policy_action_name(enum policy_action a)
{
	return (unsigned)a < POLICY_ACTION_MAX ? action_names[a] : "invalid";
}

int policy_action_from_name(const char *s, enum policy_action *ret)
{
	int i = name_index(action_names, POLICY_ACTION_MAX, s);
	if (i < 0)
		return -EINVAL;
	*ret = (enum policy_action)i;
	return 0;
}

int policy_action_tier(enum policy_action a)
{
	return (unsigned)a < POLICY_ACTION_MAX ? action_tiers[a] : -1;
}

const char *policy_kind_name(enum policy_kind k)
{
	return (unsigned)k < POLICY_EV_MAX ? kind_names[k] : "invalid";
}

int policy_access_from_name(const char *s, unsigned *ret_bit)
{
	int i = name_index(access_names, TG_ARRAY_SIZE(access_names), s);
	if (i < 0)
		return -EINVAL;
	*ret_bit = 1u << i;
	return 0;
}

void policy_access_format(unsigned access, char *buf, size_t bufsz)
{
	size_t o = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < TG_ARRAY_SIZE(access_names); i++)
		if (access & (1u << i)) {
			int n = snprintf(buf + o, bufsz - o, "%s%s",
					 o ? "," : "", access_names[i]);
			if (n < 0 || (size_t)n >= bufsz - o)
				return;
			o += (size_t)n;
		}
}

const char *policy_proto_name(enum policy_proto p)
{
	return (unsigned)p < POLICY_PROTO_MAX ? proto_names[p] : "invalid";
}

int policy_proto_from_name(const char *s, enum policy_proto *ret)
{
	int i = name_index(proto_names, POLICY_PROTO_MAX, s);
	if (i < 0)
		return -EINVAL;
	*ret = (enum policy_proto)i;
	return 0;
}
