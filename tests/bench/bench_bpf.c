/* SPDX-License-Identifier: MIT */
/*
 * bench_bpf: what the eBPF egress layer costs and how exact its cap is.
 * Root, cgroup v2; runs in a network namespace of its own (tests/bpf's
 * harness). Rounds alternate between
 *   off      the layer not loaded, in the session's cgroup
 *   outside  the layer loaded, the process in no session
 *   twin     the same in a second cgroup outside tiergate's: the method's
 *            own noise (two places without programs; should be 1.00)
 *   session  in a session with a default-policy-like rule set
 *   limits   the same with egress_rate, totals and connect_rate set
 * One process that stays runs every batch, moving itself into the mode's
 * cgroup before it (a socket belongs to the cgroup it was made in), and
 * the modes run in alternation, one short batch each, so that the
 * machine's changing load falls on all of them alike. One process, not
 * one per mode: on a loaded 2-CPU machine where a process happens to run
 * beside the listener's thread weighs more than the layer (a process per
 * mode measured 1.04-1.10x between two cgroups without any program).
 * Each figure is the median of the batches, each ratio against "outside"
 * (x: how many times slower).
 *   connect+close  TCP to a loopback listener, 200 per batch
 *   throughput     TCP over loopback, 16 MiB per batch
 *   program cost   the programs' own time (kernel BPF stats) per
 *                  connect+close, best of five runs of 2000
 *   cap            20 MB at 2 MiB/s (and 1 and 8 MiB/s) through a veth
 * Usage: bench_bpf [ROUNDS] (default 200).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tb.h"
#include "tb_remote.h"

#define CONNS 2000	       /* per run, for the program cost */
#define CONN_BATCH 200	       /* per batch, for the timing */
#define BULK_BATCH (16u << 20) /* bytes per throughput batch */
#define NMODE 5

enum mode { OFF, OUTSIDE, TWIN, SESSION, LIMITS };
static const char *const mode_name[NMODE] = {"off", "outside", "twin",
					     "session", "limits"};

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

static struct sockaddr_in lo_addr(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	return a;
}

/* n connect+close; µs each, or -1 */
static double connects(int n)
{
	struct sockaddr_in a = lo_addr();
	uint64_t t0 = tb_now_ns();
	for (int i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			return -1;
		close(fd);
	}
	return (double)(tb_now_ns() - t0) / n / 1000.0;
}

/* bytes over loopback TCP; MB/s, or -1 */
static double bulk(uint64_t bytes)
{
	static char buf[65536];
	struct sockaddr_in a = lo_addr();
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint64_t t0 = tb_now_ns(), sent = 0;

	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	while (sent < bytes) {
		ssize_t w = write(fd, buf, sizeof(buf));
		if (w <= 0)
			return -1;
		sent += (uint64_t)w;
	}
	close(fd);
	return (double)bytes / 1e6 / ((double)(tb_now_ns() - t0) / 1e9);
}

static int do_connects(void *arg)
{
	(void)arg;
	res[0] = connects(CONNS);
	return res[0] < 0;
}

/* The process that runs every batch, in the cgroup of the batch's mode
 * (paths, set before it starts): op is mode << 1 | (1: throughput, 0:
 * connect+close). */
struct worker {
	pid_t pid;
	int cmd, res;
};

static char mode_path[NMODE][PATH_MAX];

static int worker_start(struct worker *w)
{
	int c[2], r[2];

	if (pipe2(c, O_CLOEXEC) < 0 || pipe2(r, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	w->pid = fork();
	if (w->pid < 0)
		return -1;
	if (w->pid == 0) {
		uint32_t op, at = NMODE;
		while (read(c[0], &op, sizeof(op)) == sizeof(op)) {
			uint32_t m = op >> 1;
			double v = -1;
			if (m < NMODE &&
			    (m == at ||
			     tb_cgroup_enter(mode_path[m], getpid()) == 0)) {
				at = m;
				v = op & 1 ? bulk(BULK_BATCH)
					   : connects(CONN_BATCH);
			}
			if (write(r[1], &v, sizeof(v)) != sizeof(v))
				_exit(1);
		}
		_exit(0);
	}
	close(c[0]);
	close(r[1]);
	w->cmd = c[1];
	w->res = r[0];
	return 0;
}

static double worker_run(struct worker *w, enum mode m, uint32_t op)
{
	double v = -1;
	op |= (uint32_t)m << 1;
	if (write(w->cmd, &op, sizeof(op)) != sizeof(op) ||
	    read(w->res, &v, sizeof(v)) != sizeof(v))
		return -1;
	return v;
}

/* Ours and idle: closing its pipe ends it; killed by its pid too. */
static void worker_stop(struct worker *w)
{
	close(w->cmd);
	close(w->res);
	kill(w->pid, SIGKILL);
	waitpid(w->pid, NULL, 0);
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

struct bench {
	struct tb_sess s[2]; /* SESSION, LIMITS */
	struct worker w;
};

/* The layer up with the two sessions (their cgroups stay between). */
static int layer_up(struct bench *b)
{
	struct egress_session cfg[2];

	configs(&cfg[0], &cfg[1]);
	if (tb_start(false) < 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (egress_session_set(T.e, b->s[i].id, &cfg[i]) < 0)
			return -1;
	return 0;
}

static int bench_up(struct bench *b)
{
	const char *names[2] = {"bench-session", "bench-limits"};

	if (tb_cgroup_make(T.mount, "tg-bench-outside", mode_path[OUTSIDE],
			   PATH_MAX, NULL) < 0 ||
	    tb_cgroup_make(T.mount, "tg-bench-twin", mode_path[TWIN], PATH_MAX,
			   NULL) < 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (tb_cgroup_make(T.parent, names[i], b->s[i].path,
				   sizeof(b->s[i].path), &b->s[i].id) < 0)
			return -1;
	memcpy(mode_path[SESSION], b->s[0].path, PATH_MAX);
	memcpy(mode_path[LIMITS], b->s[1].path, PATH_MAX);
	memcpy(mode_path[OFF], b->s[0].path, PATH_MAX);
	/* sessions are added before the worker moves in */
	if (layer_up(b) < 0 || worker_start(&b->w) < 0)
		return -1;
	return 0;
}

static void bench_down(struct bench *b)
{
	worker_stop(&b->w);
	tb_stop();
	tb_cgroup_remove(b->s[0].path);
	tb_cgroup_remove(b->s[1].path);
	tb_cgroup_remove(mode_path[OUTSIDE]);
	tb_cgroup_remove(mode_path[TWIN]);
}

/*
 * op (0 connect+close, 1 throughput) in rounds: outside, twin, session
 * and limits, one batch each in a rotating order, with the layer up;
 * then, the layer stopped and the kernel left a second to free it, the
 * same number of batches in the session's cgroup ("off": not
 * interleaved, so only a check). Medians per mode; ratios against
 * outside, the same process without the layer's programs.
 */
static void series(struct bench *b, const char *what, const char *unit,
		   int rounds, uint32_t op, bool lower_better)
{
	static double v[NMODE][512];
	int n = rounds < 512 ? rounds : 512;
	const int nrot = NMODE - 1;

	for (int r = 0; r < n; r++)
		for (int k = 0; k < nrot; k++) {
			enum mode m = OUTSIDE + (r + k) % nrot;
			if ((v[m][r] = worker_run(&b->w, m, op)) < 0) {
				printf("%s: a batch failed\n", what);
				return;
			}
		}
	tb_stop();
	sleep(1);
	for (int r = 0; r < n; r++)
		v[OFF][r] = worker_run(&b->w, OFF, op);
	if (layer_up(b) < 0)
		printf("%s: the layer does not come back\n", what);
	double base = median(v[OUTSIDE], n);
	printf("%s, median of %d batches:", what, n);
	for (int m = 0; m < NMODE; m++) {
		double x = median(v[m], n);
		printf(" %s %.2f %s", mode_name[m], x, unit);
		if (m != OUTSIDE)
			printf(" (%.3fx)", lower_better ? x / base : base / x);
		printf(m + 1 < NMODE ? "," : "\n");
	}
}

/* Run time of the layer's programs that run for the session at path
 * (kernel BPF stats), summed, and per program for the listing. */
static uint64_t layer_ns(const char *path, bool print, uint64_t per)
{
	__u32 ids[32];
	int n = tb_layer_progs(path, ids, 32);
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
			uint64_t before = layer_ns(s.path, false, 1);
			tb_run_in(s.path, do_connects, NULL);
			double ns =
			    (double)(layer_ns(s.path, false, 1) - before) /
			    CONNS;
			if (ns < best)
				best = ns;
		}
		printf(
		    "program cost per connect+close (%s), by the kernel's "
		    "BPF stats, best of 5: %.0f ns; per program, all runs:\n",
		    i ? "limits" : "session", best);
		layer_ns(s.path, true, 5 * CONNS);
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
	int rounds = argc > 1 ? atoi(argv[1]) : 200;
	struct bench b;
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
	memset(&b, 0, sizeof(b));
	if (bench_up(&b) < 0) {
		printf("bench_bpf: cannot set up: %s\n",
		       T.e ? egress_error(T.e) : "no layer");
		tb_teardown();
		return 1;
	}
	series(&b, "connect+close", "us", rounds, 0, true);
	series(&b, "loopback TCP throughput", "MB/s", rounds / 3 + 1, 1, false);
	bench_down(&b);
	program_cost();
	cap_accuracy();
	tb_teardown();
	return 0;
}
