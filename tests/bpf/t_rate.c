/* SPDX-License-Identifier: MIT */
/*
 * The egress rate through a veth into a namespace the suite made: 20 MB
 * at 2 MiB/s within 5%, the burst, two sessions at once (one capped, one
 * not), and a process outside sessions at full speed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tb.h"
#include "tb_remote.h"

#define MiB (1024.0 * 1024.0)

struct bulk {
	uint64_t bytes, got, ns;
	int err;
};

static int do_bulk(void *arg)
{
	struct bulk *b = arg;
	b->err = tb_send_bulk(TB_REMOTE_ADDR, b->bytes, &b->got, &b->ns);
	return b->err;
}

static struct bulk *shared_bulk(uint64_t bytes)
{
	struct bulk *b = mmap(NULL, sizeof(*b), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return NULL;
	memset(b, 0, sizeof(*b));
	b->bytes = bytes;
	return b;
}

static double rate_of(const struct bulk *b)
{
	return b->ns ? (double)b->got / ((double)b->ns / 1e9) : 0;
}

static void accuracy(void)
{
	const uint64_t rate = 2 * 1024 * 1024, n = 20 * 1000 * 1000;
	struct egress_session cfg = {.rules = &tb_allow_all,
				     .nrules = 1,
				     .default_action = EGRESS_DENY,
				     .egress_rate = rate,
				     .egress_burst = 64 * 1024};
	struct egress_counters c;
	struct tb_sess s;
	struct bulk *b = shared_bulk(n);

	printf("== egress rate: 20 MB at 2 MiB/s through a veth\n");
	if (!b || tb_sess_new(&s, &cfg) < 0) {
		tb_bad("cannot add the session");
		return;
	}
	int r = tb_run_in(s.path, do_bulk, b);
	double got = rate_of(b);
	double err = (got - (double)rate) / (double)rate * 100;
	tb_check(r == 0 && b->got == n && err > -5 && err < 5,
		 "%.2f MiB/s over %.2f s for %llu bytes (%+.1f%%; want +-5%%)",
		 got / MiB, (double)b->ns / 1e9, (unsigned long long)b->got,
		 err);
	if (egress_counters(T.e, s.id, &c) == 0)
		printf("    counters: out %llu B, %llu marked, %llu dropped\n",
		       (unsigned long long)c.bytes_out,
		       (unsigned long long)c.rate_marks,
		       (unsigned long long)c.rate_drops);
	tb_sess_end(&s);
	munmap(b, sizeof(*b));
}

static void burst(void)
{
	const uint64_t rate = 256 * 1024, burst = 4 * 1024 * 1024;
	struct egress_session cfg = {.rules = &tb_allow_all,
				     .nrules = 1,
				     .default_action = EGRESS_DENY,
				     .egress_rate = rate,
				     .egress_burst = burst};
	struct tb_sess s;
	struct bulk *b = shared_bulk(3 * 1024 * 1024),
		    *b2 = shared_bulk(1024 * 1024);

	printf("== egress burst: 4 MiB of burst over 256 KiB/s\n");
	if (!b || !b2 || tb_sess_new(&s, &cfg) < 0) {
		tb_bad("cannot add the session");
		return;
	}
	int r = tb_run_in(s.path, do_bulk, b);
	tb_check(r == 0 && rate_of(b) > 20 * (double)rate,
		 "3 MiB within the burst: %.1f MiB/s (the rate alone would be "
		 "0.25)",
		 rate_of(b) / MiB);
	/* 1 MiB of burst left: a 1 MiB send passes mostly at once too, but
	 * the next one waits for the rate */
	r = tb_run_in(s.path, do_bulk, b2);
	b2->got = 0;
	b2->ns = 0;
	uint64_t t0 = tb_now_ns();
	r |= tb_run_in(s.path, do_bulk, b2);
	double secs = (double)(tb_now_ns() - t0) / 1e9;
	tb_check(r == 0 && secs > 2.5 && secs < 6,
		 "burst spent: the next 1 MiB takes %.2f s at 256 KiB/s "
		 "(4 s less what refilled meanwhile)",
		 secs);
	tb_sess_end(&s);
	munmap(b, sizeof(*b));
	munmap(b2, sizeof(*b2));
}

/* Four TCP flows of one session share its rate: each paces at the whole
 * rate, so the bucket (marks, then drops) keeps their sum at the cap. */
static void flows(void)
{
	const uint64_t rate = 2 * 1024 * 1024, n = 4 * 1000 * 1000;
	struct egress_session cfg = {.rules = &tb_allow_all,
				     .nrules = 1,
				     .default_action = EGRESS_DENY,
				     .egress_rate = rate,
				     .egress_burst = 64 * 1024};
	struct bulk *b[4];
	pid_t pid[4];
	struct tb_sess s;

	printf("== four flows share one session's 2 MiB/s\n");
	if (tb_sess_new(&s, &cfg) < 0)
		return;
	uint64_t t0 = tb_now_ns();
	for (int i = 0; i < 4; i++) {
		b[i] = shared_bulk(n);
		pid[i] = fork();
		if (pid[i] == 0)
			_exit(tb_run_in(s.path, do_bulk, b[i]));
	}
	int ok = 1;
	for (int i = 0; i < 4; i++) {
		int st;
		waitpid(pid[i], &st, 0);
		ok &= WIFEXITED(st) && WEXITSTATUS(st) == 0 && b[i]->got == n;
	}
	double secs = (double)(tb_now_ns() - t0) / 1e9;
	double agg = 4.0 * (double)n / secs;
	double err = (agg - (double)rate) / (double)rate * 100;
	tb_check(ok && err < 5 && err > -15,
		 "16 MB in %.2f s: %.2f MiB/s together (%+.1f%%; want at most "
		 "+5%%, at least -15%%)",
		 secs, agg / MiB, err);
	for (int i = 0; i < 4; i++)
		munmap(b[i], sizeof(*b[i]));
	tb_sess_end(&s);
}

/* A capped session and an uncapped one send at the same time; a process
 * outside sessions too. */
static void isolation(void)
{
	const uint64_t rate = 1024 * 1024;
	struct egress_session capped = {.rules = &tb_allow_all,
					.nrules = 1,
					.default_action = EGRESS_DENY,
					.egress_rate = rate,
					.egress_burst = 64 * 1024};
	struct egress_session free_ = {
	    .rules = &tb_allow_all, .nrules = 1, .default_action = EGRESS_DENY};
	struct tb_sess a, f;
	struct bulk *ba = shared_bulk(4 * 1000 * 1000),
		    *bf = shared_bulk(200 * 1000 * 1000),
		    *bo = shared_bulk(200 * 1000 * 1000);

	printf("== one session's rate does not slow another or the host\n");
	if (!ba || !bf || !bo || tb_sess_new(&a, &capped) < 0)
		return;
	if (tb_sess_new(&f, &free_) < 0) {
		tb_sess_end(&a);
		return;
	}
	pid_t pa = fork();
	if (pa == 0)
		_exit(tb_run_in(a.path, do_bulk, ba));
	int rf = tb_run_in(f.path, do_bulk, bf);
	int ro = tb_run_in(NULL, do_bulk, bo);
	int st;
	waitpid(pa, &st, 0);
	double ra = rate_of(ba), rfree = rate_of(bf), rout = rate_of(bo);
	tb_check(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
		     ra < 1.1 * (double)rate,
		 "the capped session: %.2f MiB/s (cap 1)", ra / MiB);
	tb_check(rf == 0 && rfree > 20 * (double)rate,
		 "an uncapped session meanwhile: %.0f MiB/s", rfree / MiB);
	tb_check(ro == 0 && rout > 20 * (double)rate,
		 "a process in no session meanwhile: %.0f MiB/s", rout / MiB);
	tb_sess_end(&a);
	tb_sess_end(&f);
	munmap(ba, sizeof(*ba));
	munmap(bf, sizeof(*bf));
	munmap(bo, sizeof(*bo));
}

void t_rate(void)
{
	struct tb_remote rem;

	if (tb_remote_start(&rem) < 0) {
		tb_bad("cannot make the remote namespace and veth pair");
		return;
	}
	accuracy();
	burst();
	flows();
	isolation();
	tb_remote_stop(&rem);
}
