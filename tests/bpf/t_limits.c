/* SPDX-License-Identifier: MIT */
/*
 * connect_rate, egress_total and ingress_total: refused once spent, one
 * event, other sessions and processes outside sessions unaffected,
 * loopback not counted unless asked; counters.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tb.h"
#include "tb_remote.h"

static uint16_t PL; /* a loopback listener */

/* n connects in a row; how many were refused with EPERM (others must
 * succeed). */
static int do_connects(void *arg)
{
	int n = *(int *)arg, refused = 0;

	for (int i = 0; i < n; i++) {
		int r = tb_connect("127.0.0.1", PL, SOCK_STREAM);
		if (r == EPERM)
			refused++;
		else if (r)
			return 255;
	}
	return refused;
}

static void connect_rate(int listener)
{
	struct egress_session cfg = {.rules = &tb_allow_all,
				     .nrules = 1,
				     .default_action = EGRESS_DENY,
				     .connect_rate = 10,
				     .connect_burst = 10};
	struct tb_events ev;
	struct tb_sess s, other;
	int n = 30;

	printf("== connect_rate 10/s (burst 10)\n");
	if (tb_sess_new(&s, &cfg) < 0)
		return;
	cfg.connect_rate = 0;
	if (tb_sess_new(&other, &cfg) < 0) {
		tb_sess_end(&s);
		return;
	}
	tb_events_poll(&ev);
	int refused = tb_run_in(s.path, do_connects, &n);
	tb_check(refused >= 19 && refused <= 20,
		 "30 connects at once: %d refused (the burst of 10 passes)",
		 refused);
	tb_drain(listener, SOCK_STREAM);
	int others = tb_run_in(other.path, do_connects, &n);
	tb_check(others == 0, "another session meanwhile: %d refused", others);
	tb_drain(listener, SOCK_STREAM);
	usleep(500 * 1000);
	n = 10;
	refused = tb_run_in(s.path, do_connects, &n);
	tb_check(refused >= 4 && refused <= 6,
		 "half a second later: %d of 10 refused (5 tokens came back)",
		 refused);
	tb_drain(listener, SOCK_STREAM);
	tb_events_poll(&ev);
	int nev = tb_events_count(&ev, s.id, EGRESS_R_CONNECT_RATE, -1);
	tb_check(nev >= 1 && nev <= 2,
		 "connect_rate events at most one a second: %d", nev);
	struct egress_counters c;
	egress_counters(T.e, s.id, &c);
	tb_check(c.conn_rate_refused == (uint64_t)(refused + 20) ||
		     c.conn_rate_refused >= 24,
		 "counter conn_rate_refused: %llu",
		 (unsigned long long)c.conn_rate_refused);
	tb_sess_end(&s);
	tb_sess_end(&other);
}

/* UDP datagrams of 1000 bytes to the remote sink until one is refused;
 * returns how many went out (or 255). */
static int do_udp_until_refused(void *arg)
{
	struct sockaddr_storage ss;
	socklen_t len;
	static char buf[1000];
	int fam = tb_sockaddr(TB_REMOTE_ADDR, TB_SINK_PORT, &ss, &len);
	int fd = socket(fam, SOCK_DGRAM, 0), n = 0;
	int *err = arg;

	for (; n < 250; n++) {
		if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss,
			   len) < 0) {
			*err = errno;
			break;
		}
	}
	return n;
}

static int do_remote_connect(void *arg)
{
	(void)arg;
	return tb_connect(TB_REMOTE_ADDR, TB_SINK_PORT, SOCK_STREAM);
}

static void egress_total(void)
{
	/* 100,000 bytes: 97 datagrams of 1028 bytes (IP and UDP headers
	 * counted) */
	struct egress_session cfg = {.rules = &tb_allow_all,
				     .nrules = 1,
				     .default_action = EGRESS_DENY,
				     .egress_total = 100000};
	struct tb_sess s, other;
	struct tb_events ev;
	struct egress_counters c;
	int *err = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	printf("== egress_total 100,000 bytes\n");
	if (err == MAP_FAILED || tb_sess_new(&s, &cfg) < 0)
		return;
	cfg.egress_total = 0;
	if (tb_sess_new(&other, &cfg) < 0) {
		tb_sess_end(&s);
		return;
	}
	tb_events_poll(&ev);
	*err = 0;
	int sent = tb_run_in(s.path, do_udp_until_refused, err);
	tb_check(sent == 97 && *err == EPERM,
		 "97 datagrams of 1000 bytes went out, the 98th was refused "
		 "(%d, %s)",
		 sent, strerror(*err));
	egress_counters(T.e, s.id, &c);
	tb_check(
	    c.egress_spent && c.bytes_out <= 100000 && c.bytes_out >= 99000,
	    "counted %llu bytes out, spent", (unsigned long long)c.bytes_out);
	int again = tb_run_in(s.path, do_udp_until_refused, err);
	int conn = tb_run_in(s.path, do_remote_connect, NULL);
	tb_events_poll(&ev);
	tb_check(again == 0 && conn == EPERM &&
		     tb_events_count(&ev, s.id, EGRESS_R_EGRESS_TOTAL, -1) == 1,
		 "sends and connects refused from then on (%s), one "
		 "egress_total event in all",
		 strerror(conn));
	int n = 1;
	tb_check(
	    tb_run_in(s.path, do_connects, &n) == 0,
	    "loopback is not counted: a connect to 127.0.0.1 still passes");
	*err = 0;
	sent = tb_run_in(other.path, do_udp_until_refused, err);
	tb_check(sent == 250, "another session sends on: %d datagrams", sent);
	sent = tb_run_in(NULL, do_udp_until_refused, err);
	tb_check(sent == 250, "a process in no session sends on: %d", sent);
	tb_sess_end(&s);
	tb_sess_end(&other);
	munmap(err, sizeof(int));
}

struct fetch {
	uint64_t want, got;
	int err;
};

static int do_fetch(void *arg)
{
	struct fetch *f = arg;
	f->err = tb_fetch(TB_REMOTE_ADDR, f->want, 1500, &f->got);
	return f->err;
}

static void ingress_total(void)
{
	struct egress_session cfg = {.rules = &tb_allow_all,
				     .nrules = 1,
				     .default_action = EGRESS_DENY,
				     .ingress_total = 1000000};
	struct fetch *f = mmap(NULL, sizeof(*f), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct tb_events ev;
	struct egress_counters c;
	struct tb_sess s;

	printf("== ingress_total 1,000,000 bytes\n");
	if (f == MAP_FAILED || tb_sess_new(&s, &cfg) < 0)
		return;
	tb_events_poll(&ev);
	f->want = 3000000;
	tb_run_in(s.path, do_fetch, f);
	egress_counters(T.e, s.id, &c);
	tb_check(f->err == 0 && f->got < 1000000 && f->got > 800000,
		 "asked for 3 MB, received %llu bytes before the budget ran "
		 "out",
		 (unsigned long long)f->got);
	tb_check(c.ingress_spent && c.bytes_in <= 1000000 &&
		     c.total_drops_in > 0,
		 "counted %llu bytes in, spent, %llu packets dropped",
		 (unsigned long long)c.bytes_in,
		 (unsigned long long)c.total_drops_in);
	int r = tb_run_in(s.path, do_remote_connect, NULL);
	tb_events_poll(&ev);
	tb_check(r == EPERM, "a new connect is refused: %s", strerror(r));
	tb_check(tb_events_count(&ev, s.id, EGRESS_R_INGRESS_TOTAL, -1) == 1,
		 "one ingress_total event");
	tb_sess_end(&s);
	munmap(f, sizeof(*f));
}

/* A layer started with limit_loopback (sessions of a running policyd
 * are not touched by this test: the suite's own layer is restarted). */
static void loopback_counted(void)
{
	struct egress_opts o = {.limit_loopback = true};
	struct egress_session cfg = {.rules = &tb_allow_all,
				     .nrules = 1,
				     .default_action = EGRESS_DENY,
				     .egress_total = 5000};
	struct egress_counters c;
	struct tb_sess s;
	int n = 40;

	printf("== loopback counted when asked\n");
	tb_stop();
	if (tb_start_opts(&o) < 0 || tb_sess_new(&s, &cfg) < 0) {
		tb_bad("cannot start a layer with limit_loopback");
		return;
	}
	int refused = tb_run_in(s.path, do_connects, &n);
	egress_counters(T.e, s.id, &c);
	tb_check(refused > 0 && c.egress_spent,
		 "with limit_loopback, loopback connects spend the total "
		 "(%d of 40 refused)",
		 refused);
	tb_sess_end(&s);
	tb_stop();
	if (tb_start(false) < 0)
		tb_bad("cannot start the layer again");
}

void t_limits(void)
{
	struct tb_remote rem;
	int l = tb_listen_any(SOCK_STREAM, &PL);

	if (l < 0) {
		tb_bad("cannot listen");
		return;
	}
	connect_rate(l);
	if (tb_remote_start(&rem) < 0) {
		tb_bad("cannot make the remote namespace and veth pair");
		close(l);
		return;
	}
	egress_total();
	ingress_total();
	loopback_counted();
	tb_drain(l, SOCK_STREAM);
	tb_remote_stop(&rem);
	close(l);
}
