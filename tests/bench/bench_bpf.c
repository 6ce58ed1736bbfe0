/* SPDX-License-Identifier: MIT */
/*
 * bench_bpf: what the eBPF egress layer costs and how exact its cap is.
 * Root, cgroup v2; runs in a network namespace of its own (tests/bpf's
 * harness). Rounds alternate between
 *   off      the layer not loaded
 *   outside  the layer loaded, the process in no session
 *   session  in a session with a default-policy-like rule set
 *   limits   the same with egress_rate, totals and connect_rate set
 * Each figure is the median of the rounds, and the best round (the
 * least disturbed by the rest of the machine).
 *   connect+close  TCP to a loopback listener, ROUNDS x CONNS
 *   throughput     TCP over loopback, MB per round
 *   cap            20 MB at 2 MiB/s (and 1 and 8 MiB/s) through a veth
 * Usage: bench_bpf [ROUNDS] (default 21).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tb.h"
#include "tb_remote.h"

#define CONNS 2000
#define BULK (128ull * 1024 * 1024)
#define NMODE 4

enum mode { OFF, OUTSIDE, SESSION, LIMITS };
static const char *const mode_name[NMODE] = {"off", "outside", "session",
					     "limits"};

static uint16_t port;
static double *res; /* shared with the children */

static void *acceptor(void *arg)
{
	int l = *(int *)arg;
	for (;;) {
		int c = accept(l, NULL, NULL);
		if (c < 0)
			continue;
		char buf[65536];
		while (read(c, buf, sizeof(buf)) > 0)
			;
		close(c);
	}
	return NULL;
}

static int do_connects(void *arg)
{
	(void)arg;
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	uint64_t t0 = tb_now_ns();
	for (int i = 0; i < CONNS; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			return 1;
		close(fd);
	}
	res[0] = (double)(tb_now_ns() - t0) / CONNS / 1000.0;
	return 0;
}

static int do_bulk(void *arg)
{
	(void)arg;
	static char buf[65536];
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return 1;
	uint64_t t0 = tb_now_ns(), sent = 0;
	while (sent < BULK) {
		ssize_t w = write(fd, buf, sizeof(buf));
		if (w <= 0)
			return 1;
		sent += (uint64_t)w;
	}
	close(fd);
	res[0] = (double)BULK / 1e6 / ((double)(tb_now_ns() - t0) / 1e9);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A default-policy-like set: loopback allowed from 1024, DNS to one
 * server, metadata denied, private ranges denied but for the server, a
 * log rule for everything else. */
static struct egress_rule rules[12];
static size_t nrules;

static void make_rules(void)
{
	static const struct {
		const char *cidr;
		unsigned protos, lo, hi, action;
		bool ex;
	} r[] = {
	    {"127.0.0.0/8", 7, 1024, 65535, EGRESS_ALLOW, false},
	    {"::1", 7, 1024, 65535, EGRESS_ALLOW, false},
	    {"10.0.0.53", 3, 53, 53, EGRESS_ALLOW, false},
	    {"169.254.0.0/16", 7, 0, 65535, EGRESS_DENY, false},
	    {"10.0.0.0/8", 7, 0, 65535, EGRESS_DENY, false},
	    {"172.16.0.0/12", 7, 0, 65535, EGRESS_DENY, false},
	    {"192.168.0.0/16", 7, 0, 65535, EGRESS_DENY, false},
	    {"fc00::/7", 7, 0, 65535, EGRESS_DENY, false},
	    {"10.0.0.53", 7, 0, 65535, EGRESS_DENY, true},
	    {"::/0", 1, 443, 443, EGRESS_LOG, false},
	};
	nrules = sizeof(r) / sizeof(r[0]);
	for (size_t i = 0; i < nrules; i++) {
		rules[i] = tb_rule(r[i].cidr, r[i].protos, (uint16_t)r[i].lo,
				   (uint16_t)r[i].hi, r[i].action, (uint32_t)i);
		rules[i].exclude = r[i].ex;
	}
	rules[8].rule = 4; /* not_cidr of the 10/8 rule */
}

static int run_mode(int (*fn)(void *), const char *path, double *out)
{
	if (tb_run_in(path, fn, NULL) != 0)
		return -1;
	*out = res[0];
	return 0;
}

/* The two session configurations measured: rules, and rules + limits. */
static void configs(struct egress_session *plain, struct egress_session *lim)
{
	memset(plain, 0, sizeof(*plain));
	plain->rules = rules;
	plain->nrules = nrules;
	plain->default_action = EGRESS_PROMPT;
	*lim = *plain;
	lim->egress_rate = 10 * 1024 * 1024;
	lim->egress_burst = 2 * 1024 * 1024;
	lim->egress_total = 1ull << 40;
	lim->ingress_total = 1ull << 40;
	lim->connect_rate = 1000000;
	lim->connect_burst = 1000000;
}

/* One round of fn in each mode, in this order or (odd rounds) the
 * reverse, so that a drift in the machine's load favours no mode. The
 * layer is loaded for all but OFF. */
static int round_all(int (*fn)(void *), bool reverse, double out[NMODE])
{
	struct egress_session plain, lim;
	char outside[PATH_MAX];
	struct tb_sess s[2];
	int r = 0;

	configs(&plain, &lim);
	if (tb_cgroup_make(T.mount, "tg-bench-outside", outside,
			   sizeof(outside), NULL) < 0)
		return -1;
	if (!reverse) {
		tb_stop();
		r |= run_mode(fn, outside, &out[OFF]);
	}
	if (tb_start(false) < 0 || tb_sess_new(&s[0], &plain) < 0 ||
	    tb_sess_new(&s[1], &lim) < 0)
		return -1;
	const char *path[NMODE] = {NULL, outside, s[0].path, s[1].path};
	for (int i = 1; i < NMODE; i++) {
		int m = reverse ? NMODE - i : i;
		r |= run_mode(fn, path[m], &out[m]);
	}
	tb_sess_end(&s[0]);
	tb_sess_end(&s[1]);
	tb_stop();
	if (reverse)
		r |= run_mode(fn, outside, &out[OFF]);
	tb_cgroup_remove(outside);
	return r;
}

static double minimum(const double *v, int n, bool lower_better)
{
	double m = v[0];
	for (int i = 1; i < n; i++)
		if (lower_better ? v[i] < m : v[i] > m)
			m = v[i];
	return m;
}

static void series(const char *what, const char *unit, int rounds,
		   int (*fn)(void *), bool lower_better)
{
	double v[NMODE][64], r[NMODE], best[NMODE];
	int n = 0;

	for (int i = 0; i < rounds && i < 64; i++, n++) {
		if (round_all(fn, i % 2, r) < 0) {
			printf("%s: round %d failed\n", what, i);
			return;
		}
		for (int m = 0; m < NMODE; m++)
			v[m][i] = r[m];
	}
	for (int m = 0; m < NMODE; m++)
		best[m] = minimum(v[m], n, lower_better);
	double off = median(v[OFF], n);
	printf("%s, median of %d rounds:", what, n);
	for (int m = 0; m < NMODE; m++) {
		double x = median(v[m], n);
		printf(" %s %.2f %s", mode_name[m], x, unit);
		if (m != OFF)
			printf(" (%.3fx)", lower_better ? x / off : off / x);
		printf(m + 1 < NMODE ? "," : "\n");
	}
	printf("%s, best round:", what);
	for (int m = 0; m < NMODE; m++) {
		printf(" %s %.2f %s", mode_name[m], best[m], unit);
		if (m != OFF)
			printf(" (%.3fx)", lower_better ? best[m] / best[OFF]
							: best[OFF] / best[m]);
		printf(m + 1 < NMODE ? "," : "\n");
	}
}

/* Run time of the layer's programs (kernel BPF stats), summed, and per
 * program for the listing. */
static uint64_t layer_ns(bool print, uint64_t per)
{
	__u32 ids[32];
	int n = tb_layer_progs(ids, 32);
	uint64_t sum = 0;

	for (int i = 0; i < n; i++) {
		struct bpf_prog_info info = {0};
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0) {
			sum += info.run_time_ns;
			if (print && info.run_cnt)
				printf("    %-16s %6.2f runs, %5.0f ns each\n",
				       info.name,
				       (double)info.run_cnt / (double)per,
				       (double)info.run_time_ns /
					   (double)info.run_cnt);
		}
		close(fd);
	}
	return sum;
}

/* What the programs cost per connect+close, measured by the kernel
 * (BPF_ENABLE_STATS): independent of the machine's load. */
static void program_cost(void)
{
	struct egress_session plain, lim;
	struct tb_sess s;

	configs(&plain, &lim);
	int st = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (st < 0) {
		printf("program cost: BPF_ENABLE_STATS: %s\n", strerror(errno));
		return;
	}
	const struct egress_session *cfgs[2] = {&plain, &lim};
	for (int i = 0; i < 2; i++) {
		double best = 1e18;
		tb_stop();
		if (tb_start(false) < 0 || tb_sess_new(&s, cfgs[i]) < 0)
			break;
		/* the least disturbed of five runs (a busy VM's vCPU can be
		 * descheduled inside a program, which the stats count) */
		for (int k = 0; k < 5; k++) {
			uint64_t before = layer_ns(false, 1);
			tb_run_in(s.path, do_connects, NULL);
			double ns =
			    (double)(layer_ns(false, 1) - before) / CONNS;
			if (ns < best)
				best = ns;
		}
		printf(
		    "program cost per connect+close (%s), by the kernel's "
		    "BPF stats, best of 5: %.0f ns; per program, all runs:\n",
		    i ? "limits" : "session", best);
		layer_ns(true, 5 * CONNS);
		tb_sess_end(&s);
	}
	close(st);
}

static int bulk_to_remote(void *arg)
{
	uint64_t n = *(uint64_t *)arg, got, ns;
	if (tb_send_bulk(TB_REMOTE_ADDR, n, &got, &ns) != 0)
		return 1;
	res[0] = (double)got / ((double)ns / 1e9);
	return 0;
}

static void cap_accuracy(void)
{
	static const uint64_t rates[] = {1 << 20, 2 << 20, 8 << 20};
	struct egress_rule all = {
	    .protos = 7, .port_hi = 65535, .action = EGRESS_ALLOW};
	struct tb_remote rem;

	tb_stop();
	if (tb_start(false) < 0 || tb_remote_start(&rem) < 0) {
		printf("cap: cannot set up the remote namespace\n");
		return;
	}
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct egress_session cfg = {.rules = &all,
					     .nrules = 1,
					     .egress_rate = rates[i],
					     .egress_burst = 64 * 1024};
		uint64_t n = rates[i] == 2 << 20 ? 20000000 : rates[i] * 8;
		struct tb_sess s;
		struct egress_counters c;
		if (tb_sess_new(&s, &cfg) < 0 ||
		    tb_run_in(s.path, bulk_to_remote, &n) != 0) {
			printf("cap %llu: failed\n",
			       (unsigned long long)rates[i]);
			continue;
		}
		egress_counters(T.e, s.id, &c);
		printf("cap %.0f MiB/s: %llu bytes at %.3f MiB/s (%+.2f%%), "
		       "%llu packets marked, %llu dropped\n",
		       (double)rates[i] / 1048576, (unsigned long long)n,
		       res[0] / 1048576,
		       (res[0] - (double)rates[i]) / (double)rates[i] * 100,
		       (unsigned long long)c.rate_marks,
		       (unsigned long long)c.rate_drops);
		tb_sess_end(&s);
	}
	tb_remote_stop(&rem);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 21;
	char why[256];
	pthread_t th;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (tb_setup(why, sizeof(why)) < 0) {
		printf("bench_bpf: skipped: %s\n", why);
		return 0;
	}
	res = tb_shared(sizeof(double));
	int l = tb_listen_any(SOCK_STREAM, &port);
	if (l < 0 || !res)
		return 1;
	/* the acceptor blocks */
	fcntl(l, F_SETFL, fcntl(l, F_GETFL) & ~O_NONBLOCK);
	pthread_create(&th, NULL, acceptor, &l);
	make_rules();
	series("connect+close", "us", rounds, do_connects, true);
	series("loopback TCP throughput", "MB/s", rounds, do_bulk, false);
	program_cost();
	cap_accuracy();
	tb_teardown();
	return 0;
}
