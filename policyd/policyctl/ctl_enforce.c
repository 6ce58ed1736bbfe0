/* SPDX-License-Identifier: MIT */
#include "ctl_enforce.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ctl_conn.h"
#include "json_flat.h"
#include "policy.h"
#include "util.h"

#define CAP_NET_ADMIN 12
#define CAP_SYS_ADMIN 21
#define CAP_BPF 39
#define LAYER "eBPF cgroup egress"

/* ------------------------------------------------- a running policyd */

struct layer_scan {
	char name[64], active[8], why[512];
	bool found, active_v;
	char found_why[512];
};

static void layer_member(const char *key, const char *value, void *ud)
{
	struct layer_scan *s = ud;
	if (!strcmp(key, "name"))
		snprintf(s->name, sizeof(s->name), "%s", value);
	else if (!strcmp(key, "active"))
		snprintf(s->active, sizeof(s->active), "%s", value);
	else if (!strcmp(key, "why"))
		snprintf(s->why, sizeof(s->why), "%s", value);
}

static void layer_end(const char *start, size_t len, void *ud)
{
	struct layer_scan *s = ud;
	(void)start;
	(void)len;
	if (!strcmp(s->name, LAYER)) {
		s->found = true;
		s->active_v = !strcmp(s->active, "true");
		snprintf(s->found_why, sizeof(s->found_why), "%s", s->why);
	}
	s->name[0] = s->active[0] = s->why[0] = '\0';
}

/* 0 and h filled when a policyd answered, else -errno. The answer is
 * policyd's (its control socket, in its run directory). */
static int ask_policyd(struct ctl_enforce *h)
{
	_cleanup_free_ char *out = NULL;
	int r = ctl_request(-1, "status --json", true, &out);
	if (r < 0)
		return r;
	const char *end = out + strlen(out);
	char pid[32] = "", mode[16] = "";
	if (jflat_get(out, "pid", pid, sizeof(pid)) < 0 ||
	    jflat_get(out, "mode", mode, sizeof(mode)) < 0)
		return -EBADMSG;
	/* a comma and a quote: never inside one of the strings before it,
	 * where a quote is escaped */
	const char *l = strstr(out, ",\"layers\":");
	struct layer_scan s = {0};
	if (!l)
		return -EBADMSG;
	l += strlen(",\"layers\":");
	if (jflat_array(&l, end, layer_member, layer_end, &s) < 0 || !s.found)
		return -EBADMSG;
	h->enforced = s.active_v;
	snprintf(h->why, sizeof(h->why),
		 "the running policyd (pid %s, %s mode) has its " LAYER
		 " layer off: %s",
		 pid, mode, s.found_why);
	return 0;
}

/* ---------------------------------------------------------- the probe */

static bool cgroup2_mounted(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/mounts", "re");
	char line[1024];
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, " cgroup2 "))
			return true;
	return false;
}

/* This process's effective capabilities (/proc/self/status CapEff). */
static unsigned long long cap_eff(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long v = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &v) == 1)
			break;
	return v;
}

/* Loads "return 1" as a cgroup_skb program: 0 or -errno. */
static int trivial_prog_loads(void)
{
	struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K,
	     .dst_reg = BPF_REG_0,
	     .imm = 1},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_SKB;
	a.expected_attach_type = BPF_CGROUP_INET_EGRESS;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uint64_t)(uintptr_t) "GPL";
	long fd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return -errno;
	close((int)fd);
	return 0;
}

static void probe(struct ctl_enforce *h)
{
	const char *pfx = "probe (no policyd answers; assuming policyd would "
			  "run as this user";
	unsigned uid = (unsigned)geteuid();
	unsigned long long caps = cap_eff();
	bool admin = caps & (1ull << CAP_SYS_ADMIN);
	int r;

	h->enforced = false;
	if (uid != 0) {
		snprintf(h->why, sizeof(h->why),
			 "%s, uid %u): policyd would run in user mode, which "
			 "has no session cgroups and no " LAYER " layer",
			 pfx, uid);
	} else if (!cgroup2_mounted()) {
		snprintf(h->why, sizeof(h->why),
			 "%s, root): no cgroup v2 mount in /proc/mounts", pfx);
	} else if (access("/sys/kernel/btf/vmlinux", R_OK) < 0) {
		snprintf(h->why, sizeof(h->why),
			 "%s, root): no kernel BTF (/sys/kernel/btf/vmlinux: "
			 "%s)",
			 pfx, strerror(errno));
	} else if (!admin && (!(caps & (1ull << CAP_BPF)) ||
			      !(caps & (1ull << CAP_NET_ADMIN)))) {
		snprintf(h->why, sizeof(h->why),
			 "%s, root): neither CAP_SYS_ADMIN nor CAP_BPF with "
			 "CAP_NET_ADMIN in the effective set",
			 pfx);
	} else if ((r = trivial_prog_loads()) < 0) {
		snprintf(h->why, sizeof(h->why),
			 "%s, root): the kernel refuses a trivial cgroup_skb "
			 "program: %s",
			 pfx, strerror(-r));
	} else {
		h->enforced = true;
	}
}

void ctl_enforce_get(struct ctl_enforce *h)
{
	if (h->known)
		return;
	h->known = true;
	if (ask_policyd(h) < 0)
		probe(h);
}

unsigned ctl_enforce_warn(const struct policy *p, struct ctl_enforce *h)
{
	struct policy_egress_need v[64];
	size_t n = policy_egress_needs(p, v, TG_ARRAY_SIZE(v));
	if (n == 0)
		return 0;
	ctl_enforce_get(h);
	if (h->enforced)
		return 0;
	size_t shown = n < TG_ARRAY_SIZE(v) ? n : TG_ARRAY_SIZE(v);
	for (size_t i = 0; i < shown; i++) {
		if (v[i].rule < 0)
			fprintf(stderr,
				"%s:%d:%d: warning: limits: not enforced on "
				"this host, nothing caps this policy's "
				"traffic: %s\n",
				v[i].file, v[i].line, v[i].col, h->why);
		else
			fprintf(stderr,
				"%s:%d:%d: warning: rule '%s' names hosts: "
				"on this host only policyd holds programs to "
				"it (one that bypasses the interposer and the "
				"seccomp path is not held to it in the "
				"kernel): %s\n",
				v[i].file, v[i].line, v[i].col,
				policy_rule_id(p, v[i].rule), h->why);
	}
	if (n > shown)
		fprintf(stderr,
			"%s: warning: %zu more rules name hosts, the same "
			"for each\n",
			v[0].file, n - shown);
	return (unsigned)n;
}
