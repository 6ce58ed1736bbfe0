/* SPDX-License-Identifier: MIT */
/*
 * Engine benchmark: decisions per second for 1M mixed events (open, exec,
 * connect, git) against a generated 500-rule policy, on one core. Events
 * are built before the clock starts; only policy_decide() is timed.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gitparse.h"
#include "policy.h"
#include "util.h"

#define NRULES 500
#define NEVENTS 1000000
#define NDISTINCT 4096

static char *gen_policy(void)
{
	struct strbuf b = {0};
	static const char *const acts[] = {"allow", "log", "prompt", "deny"};
	strbuf_puts(&b, "version: 1\nsettings: { default: prompt }\nrules:\n");
	for (int i = 0; i < NRULES; i++) {
		const char *a = acts[(i * 7) % 4];
		switch (i % 10) {
		case 0:
		case 1:
		case 2:
			strbuf_printf(
			    &b,
			    "  - { id: o%d, action: %s, open: { path: "
			    "['/home/u/proj%d/**', '/srv/data%d/*.csv'], "
			    "access: [read, write] } }\n",
			    i, a, i, i);
			break;
		case 3:
			strbuf_printf(
			    &b,
			    "  - { id: k%d, action: %s, open: { path: "
			    "['/home/u/.secret%d/**', '**/.env%d'] } }\n",
			    i, a, i, i);
			break;
		case 4:
		case 5:
			strbuf_printf(
			    &b,
			    "  - { id: e%d, action: %s, exec: { path: "
			    "['/usr/bin/tool%d', '/opt/t%d/bin/*'], argv: ['** "
			    "--flag%d **'] } }\n",
			    i, a, i, i, i % 7);
			break;
		case 6:
			strbuf_printf(
			    &b,
			    "  - { id: a%d, action: %s, exec: { argv: ['cmd%d "
			    "sub **', 'cmd%d -x *'] } }\n",
			    i, a, i, i);
			break;
		case 7:
			strbuf_printf(
			    &b,
			    "  - { id: c%d, action: %s, connect: { host: "
			    "['h%d.example.org', '*.d%d.example.net'], port: "
			    "[443, '8000-8100'], proto: tcp } }\n",
			    i, a, i, i);
			break;
		case 8:
			strbuf_printf(
			    &b,
			    "  - { id: n%d, action: %s, connect: { cidr: "
			    "['10.%d.0.0/16', 'fd%02x::/16'] } }\n",
			    i, a, i % 256, i % 256);
			break;
		default:
			strbuf_printf(&b,
				      "  - { id: g%d, action: %s, git: { "
				      "command: [push, fetch], remote: ['r%d', "
				      "'https://git.example.org/r%d/*'], "
				      "branch: ['b%d', 'release/*'] } }\n",
				      i, a, i, i, i);
		}
	}
	return strbuf_steal(&b);
}

struct ev_store {
	struct policy_event ev;
	char path[128], host[64], a0[32];
	const char *argv[4];
	struct tg_addr addr;
	struct git_event git;
	bool has_git;
};

static void gen_event(struct ev_store *s, unsigned r)
{
	memset(s, 0, sizeof(*s));
	unsigned k = r % 8, n = (r / 8) % 600;
	switch (k) {
	case 0:
	case 1:
	case 2:
		snprintf(s->path, sizeof(s->path),
			 "/home/u/proj%u/src/module%u/file%u.c", n, r % 13,
			 r % 101);
		s->ev = (struct policy_event){
		    .kind = POLICY_EV_OPEN,
		    .path = s->path,
		    .access = r % 3 ? POLICY_ACC_READ : POLICY_ACC_WRITE};
		break;
	case 3:
		snprintf(s->path, sizeof(s->path),
			 "/usr/lib/x86_64-linux-gnu/lib%u.so.6", n);
		s->ev = (struct policy_event){.kind = POLICY_EV_OPEN,
					      .path = s->path,
					      .access = POLICY_ACC_READ};
		break;
	case 4:
	case 5:
		snprintf(s->path, sizeof(s->path), "/usr/bin/tool%u", n);
		snprintf(s->a0, sizeof(s->a0), r % 2 ? "cmd%u" : "tool%u", n);
		s->argv[0] = s->a0;
		s->argv[1] = "sub";
		s->argv[2] = r % 5 ? "--flag3" : "x";
		s->argv[3] = "y";
		s->ev = (struct policy_event){.kind = POLICY_EV_EXEC,
					      .path = s->path,
					      .argv = s->argv,
					      .argc = 4,
					      .cwd = "/home/u"};
		break;
	case 6:
		snprintf(s->host, sizeof(s->host),
			 r % 2 ? "h%u.example.org" : "a.d%u.example.net", n);
		snprintf(s->path, sizeof(s->path), "10.%u.3.4", n % 256);
		tg_addr_parse(s->path, &s->addr);
		s->ev = (struct policy_event){
		    .kind = POLICY_EV_CONNECT,
		    .host = s->host,
		    .addr = &s->addr,
		    .port = (uint16_t)(r % 2 ? 443 : 8050),
		    .proto = POLICY_PROTO_TCP};
		break;
	default: {
		char remote[32], br[32];
		snprintf(remote, sizeof(remote), "r%u", n);
		snprintf(br, sizeof(br), r % 2 ? "b%u" : "release/%u", n);
		const char *argv[] = {"git", "push", remote, br};
		git_parse(argv, 4, "/nonexistent", NULL, &s->git);
		s->has_git = true;
		s->ev = (struct policy_event){.kind = POLICY_EV_GIT,
					      .git = &s->git};
	}
	}
}

int main(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set); /* single core */
	char *text = gen_policy();
	struct policy_vars vars = {
	    .home = "/home/u", .user = "u", .pwd = "/home/u"};
	struct policy_diags d = {0};
	struct policy *p = NULL;
	uint64_t t0 = tg_mono_ns();
	if (!text || policy_load_buffer("bench.yaml", text, strlen(text), &vars,
					&d, &p) < 0) {
		fprintf(stderr, "bench: policy did not load\n");
		for (size_t i = 0; i < d.n && i < 5; i++)
			fprintf(stderr, "%d:%d: %s\n", d.v[i].line, d.v[i].col,
				d.v[i].msg);
		return 1;
	}
	uint64_t t_load = tg_mono_ns() - t0;
	struct ev_store *evs = calloc(NDISTINCT, sizeof(*evs));
	srand(42);
	for (int i = 0; i < NDISTINCT; i++)
		gen_event(&evs[i], (unsigned)rand());
	unsigned counts[POLICY_ACTION_MAX] = {0};
	struct policy_decision dec;
	/* warm up */
	for (int i = 0; i < NDISTINCT; i++)
		policy_decide(p, &evs[i].ev, &dec);
	t0 = tg_mono_ns();
	for (int i = 0; i < NEVENTS; i++) {
		policy_decide(p, &evs[(unsigned)i * 2654435761u % NDISTINCT].ev,
			      &dec);
		counts[dec.action]++;
	}
	uint64_t ns = tg_mono_ns() - t0;
	printf("engine: %zu rules (loaded in %.1f ms), %d mixed events "
	       "(open/exec/connect/git), one core\n",
	       policy_rule_count(p), (double)t_load / 1e6, NEVENTS);
	printf("engine: %.0f ns total, %.1f ns/decision, %.2f M decisions/s  "
	       "(target >= 1.00 M/s)\n",
	       (double)ns, (double)ns / NEVENTS,
	       NEVENTS / ((double)ns / 1e9) / 1e6);
	printf("engine: outcomes allow=%u log=%u prompt=%u deny=%u\n",
	       counts[0], counts[1], counts[2], counts[3]);
	for (int i = 0; i < NDISTINCT; i++)
		if (evs[i].has_git)
			git_event_free(&evs[i].git);
	free(evs);
	free(text);
	policy_free(p);
	policy_diags_free(&d);
	return 0;
}
