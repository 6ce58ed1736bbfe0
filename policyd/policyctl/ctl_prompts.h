/* SPDX-License-Identifier: MIT */
/*
 * ctl_prompts: the operator's side of Tier 3 approvals: `policyctl
 * pending`, `approve ID... [--once|--session|--for DURATION]`, `deny ID...
 * [--reason TEXT]`, `grants`, `revoke GRANT` and `watch` (a live stream of
 * prompt events as JSON lines), all on policyd's control socket.
 */
#ifndef TIERGATE_CTL_PROMPTS_H
#define TIERGATE_CTL_PROMPTS_H

/* argv[0] is the command. The exit status, or -ENOSYS when the command is
 * not one of these. mode as in ctl_conn.h. */
int ctl_prompts_cmd(int mode, int argc, char **argv);

#endif
