/* SPDX-License-Identifier: MIT */
/* tb: harness of the BPF egress suite (see tb.h). */
#include "tb.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

struct tb T;

const struct egress_rule tb_allow_all = {.plen = 0,
					 .protos = EGRESS_PROTO_ANY,
					 .port_lo = 0,
					 .port_hi = 65535,
					 .action = EGRESS_ALLOW,
					 .rule = 1};

/* One line of the suite's output, counted. */
static void say(int *counter, const char *tag, const char *fmt, va_list ap)
{
	(*counter)++;
	printf("  %-4s ", tag);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

#define SAY(counter, tag)                                                      \
	do {                                                                   \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		say(counter, tag, fmt, ap);                                    \
		va_end(ap);                                                    \
	} while (0)

void tb_ok(const char *fmt, ...)
{
	SAY(&T.pass, "ok");
}

void tb_bad(const char *fmt, ...)
{
	SAY(&T.fail, "FAIL");
}

void tb_skip(const char *fmt, ...)
{
	SAY(&T.skip, "skip");
}

bool tb_check(bool cond, const char *fmt, ...)
{
	SAY(cond ? &T.pass : &T.fail, cond ? "ok" : "FAIL");
	return cond;
}

uint64_t tb_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void *tb_shared(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

int tb_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int r = system(cmd);
	return r == 0 ? 0 : -1;
}

static int cgroup2_mount(char *out, size_t outsz)
{
	FILE *f = fopen("/proc/mounts", "re");
	char dev[256], dir[PATH_MAX], type[64];
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3) {
		if (!strcmp(type, "cgroup2")) {
			snprintf(out, outsz, "%s", dir);
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}

int tb_cgroup_make(const char *parent, const char *name, char *out,
		   size_t outsz, uint64_t *ret_id)
{
	snprintf(out, outsz, "%s/%s", parent, name);
	if (mkdir(out, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (T.ncg < 64)
		snprintf(T.cg[T.ncg++], sizeof(T.cg[0]), "%s", out);
	return ret_id ? egress_cgroup_id(out, ret_id) : 0;
}

int tb_cgroup_remove(const char *path)
{
	for (int i = T.ncg - 1; i >= 0; i--) {
		if (!strcmp(T.cg[i], path)) {
			memmove(T.cg[i], T.cg[i + 1],
				(size_t)(T.ncg - i - 1) * sizeof(T.cg[0]));
			T.ncg--;
			break;
		}
	}
	/* a child just reaped may keep the cgroup busy for a moment */
	for (int i = 0; i < 200; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		usleep(10000);
	}
	return -EBUSY;
}

/* Interrupted (^C, timeout): kill what runs in the suite's cgroups (only
 * processes it started are there), remove them, go. Async-signal-safe:
 * open, write, rmdir. The namespaces and their veth pairs go with the
 * processes. */
static void on_signal(int sig)
{
	char p[PATH_MAX + 16];

	if (getpid() != T.pid)
		_exit(128 + sig); /* a child: the driver cleans up */
	if (T.parent[0]) {
		snprintf(p, sizeof(p), "%s/cgroup.kill", T.parent);
		int fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, "1", 1) < 0) {
			}
			close(fd);
		}
		usleep(100000);
		for (int i = T.ncg - 1; i >= 0; i--)
			rmdir(T.cg[i]);
		rmdir(T.parent);
	}
	_exit(128 + sig);
}

int tb_cgroup_enter(const char *path, pid_t pid)
{
	char p[PATH_MAX + 16], buf[32];
	int fd, n;

	snprintf(p, sizeof(p), "%s/cgroup.procs", path);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (write(fd, buf, (size_t)n) != n) {
		int r = -errno;
		close(fd);
		return r;
	}
	close(fd);
	return 0;
}

int tb_run_in(const char *path, int (*fn)(void *), void *arg)
{
	return tb_run_in_loop(path, fn, arg, NULL);
}

/* Forks a child that is in cgroup path (NULL: the driver's), with its
 * output on out (-1: the driver's) and a minute to live. */
static pid_t child_in(const char *path, int out)
{
	pid_t p;

	fflush(stdout);
	p = fork();
	if (p != 0)
		return p;
	alarm(60);
	if (out >= 0) {
		dup2(out, 1);
		dup2(out, 2);
	}
	if (path && tb_cgroup_enter(path, getpid()) < 0)
		_exit(250);
	return 0;
}

int tb_run_in_loop(const char *path, int (*fn)(void *), void *arg,
		   void (*idle)(void))
{
	int st;
	pid_t p = child_in(path, -1);

	if (p < 0)
		return -1;
	if (p == 0)
		_exit(fn(arg) & 0xff);
	if (!idle) {
		if (waitpid(p, &st, 0) < 0)
			return -1;
	} else {
		while (waitpid(p, &st, WNOHANG) == 0)
			idle();
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int tb_layer_progs(const char *cgroup, __u32 *ids, int cap)
{
	static const int types[] = {
	    BPF_CGROUP_INET4_CONNECT,	  BPF_CGROUP_INET6_CONNECT,
	    BPF_CGROUP_UDP4_SENDMSG,	  BPF_CGROUP_UDP6_SENDMSG,
	    BPF_CGROUP_UDP4_RECVMSG,	  BPF_CGROUP_UDP6_RECVMSG,
	    BPF_CGROUP_INET4_GETPEERNAME, BPF_CGROUP_INET6_GETPEERNAME,
	    BPF_CGROUP_INET_SOCK_CREATE,  BPF_CGROUP_INET_EGRESS,
	    BPF_CGROUP_INET_INGRESS,	  BPF_CGROUP_SOCK_OPS,
	    49 /* unix connect */,	  50 /* unix sendmsg */};
	int cg = open(cgroup ? cgroup : T.parent,
		      O_RDONLY | O_DIRECTORY | O_CLOEXEC),
	    n = 0;

	if (cg < 0)
		return -errno;
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		__u32 got[16], k = 16;
		if (bpf_prog_query(cg, (enum bpf_attach_type)types[t],
				   cgroup ? BPF_F_QUERY_EFFECTIVE : 0, NULL,
				   got, &k) < 0)
			continue;
		for (__u32 i = 0; i < k && n < cap; i++) {
			struct bpf_prog_info info = {0};
			__u32 len = sizeof(info);
			int fd = bpf_prog_get_fd_by_id(got[i]);
			/* effective: the layer's, not a tool's on the root */
			if (fd >= 0 &&
			    bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
			    !strncmp(info.name, "tg_", 3))
				ids[n++] = got[i];
			if (fd >= 0)
				close(fd);
		}
	}
	close(cg);
	return n;
}

int tb_exec_in(const char *path, char *const argv[], char *out, size_t outsz)
{
	int pfd[2], st;
	size_t n = 0;
	pid_t p;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	p = child_in(path, pfd[1]);
	if (p < 0)
		return -1;
	if (p == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		ssize_t r = read(pfd[0], out + n, outsz - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == outsz - 1)
			break;
	}
	out[n] = '\0';
	close(pfd[0]);
	if (waitpid(p, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int tb_sess_new(struct tb_sess *s, const struct egress_session *cfg)
{
	char name[32];
	int r;

	snprintf(name, sizeof(name), "s%d", ++T.nsess);
	r = tb_cgroup_make(T.parent, name, s->path, sizeof(s->path), &s->id);
	if (r < 0)
		return r;
	r = egress_session_set(T.e, s->id, cfg);
	if (r < 0) {
		printf("  (session_set: %s)\n", egress_error(T.e));
		tb_cgroup_remove(s->path);
	}
	return r;
}

void tb_sess_end(struct tb_sess *s)
{
	egress_session_remove(T.e, s->id);
	tb_cgroup_remove(s->path);
}

bool tb_sess_open(struct tb_sess *s, const struct egress_session *cfg)
{
	if (tb_sess_new(s, cfg) == 0)
		return true;
	tb_bad("cannot add the session");
	return false;
}

bool tb_sess_deny(struct tb_sess *s, const struct egress_rule *r, size_t n)
{
	struct egress_session cfg = {
	    .rules = r, .nrules = n, .default_action = EGRESS_DENY};
	return tb_sess_open(s, &cfg);
}

int tb_send_cmsg(int fd, const void *to, socklen_t tolen, const void *buf,
		 size_t len, int level, int type, const void *data, size_t dlen)
{
	union {
		char b[CMSG_SPACE(TB_CMSG_MAX)];
		struct cmsghdr align;
	} u = {0};
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr m = {.msg_name = (void *)to,
			   .msg_namelen = to ? tolen : 0,
			   .msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = u.b,
			   .msg_controllen = CMSG_SPACE(dlen)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	if (dlen > TB_CMSG_MAX)
		return EMSGSIZE;
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(dlen);
	memcpy(CMSG_DATA(c), data, dlen);
	return sendmsg(fd, &m, 0) < 0 ? errno : 0;
}

int tb_addr(const char *s, uint8_t out[16])
{
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &a4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, s, out) == 1 ? 0 : -EINVAL;
}

struct egress_rule tb_rule(const char *cidr, unsigned protos, uint16_t lo,
			   uint16_t hi, unsigned action, uint32_t rule)
{
	struct egress_rule r = {.protos = (uint8_t)protos,
				.port_lo = lo,
				.port_hi = hi,
				.action = (uint8_t)action,
				.rule = rule};
	char a[64];
	const char *slash = strchr(cidr, '/');
	size_t n = slash ? (size_t)(slash - cidr) : strlen(cidr);

	snprintf(a, sizeof(a), "%.*s", (int)n, cidr);
	if (tb_addr(a, r.addr) < 0) {
		fprintf(stderr, "bad address in test: %s\n", cidr);
		abort();
	}
	bool v4 = strchr(a, ':') == NULL;
	int plen = slash ? atoi(slash + 1) : (v4 ? 32 : 128);
	r.plen = (uint8_t)(v4 ? plen + 96 : plen);
	return r;
}

int tb_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *ss,
		socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return AF_INET6;
	}
	return -EINVAL;
}

/* A non-blocking connect waited for up to 2 s. */
int tb_connect(const char *addr, uint16_t port, int type)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fam = tb_sockaddr(addr, port, &ss, &len), r = 0;

	if (fam < 0)
		return EINVAL;
	int fd = socket(fam, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		r = errno;
		if (r == EINPROGRESS) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			socklen_t sl = sizeof(r);
			r = poll(&p, 1, 2000) == 1 &&
				    getsockopt(fd, SOL_SOCKET, SO_ERROR, &r,
					       &sl) == 0
				? r
				: ETIMEDOUT;
		}
	}
	close(fd);
	return r;
}

int tb_sendto(const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fam = tb_sockaddr(addr, port, &ss, &len), r = 0;

	if (fam < 0)
		return EINVAL;
	int fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) < 0)
		r = errno;
	close(fd);
	return r;
}

int tb_listen_any(int type, uint16_t *port)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6,
				 .sin6_addr = IN6ADDR_ANY_INIT};
	socklen_t len = sizeof(a);
	int zero = 0, one = 1;
	int fd = socket(AF_INET6, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (type == SOCK_STREAM) {
		int q = 64;
		setsockopt(fd, IPPROTO_TCP, 23 /* TCP_FASTOPEN */, &q,
			   sizeof(q));
	}
	a.sin6_port = htons(*port);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 1024) < 0) ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	*port = ntohs(a.sin6_port);
	return fd;
}

int tb_drain(int fd, int type)
{
	char buf[2048];
	int n = 0;

	for (;;) {
		if (type == SOCK_STREAM) {
			int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
			if (c < 0)
				break;
			close(c);
		} else if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0) {
			break;
		}
		n++;
	}
	return n;
}

static void on_event(const struct egress_event *ev, void *ud)
{
	struct tb_events *t = ud;
	if (t->n < TB_MAX_EVENTS)
		t->v[t->n++] = *ev;
}

void tb_events_poll(struct tb_events *ev)
{
	ev->n = 0;
	egress_events_consume(T.e, on_event, ev);
}

int tb_events_count(const struct tb_events *ev, uint64_t cgid, int reason,
		    int action)
{
	int n = 0;
	for (int i = 0; i < ev->n; i++)
		if ((!cgid || ev->v[i].cgid == cgid) &&
		    (reason < 0 || ev->v[i].reason == reason) &&
		    (action < 0 || ev->v[i].action == action))
			n++;
	return n;
}

/* The driver's own network namespace: loopback up, test addresses on
 * it, TCP fast open on for client and server (per-namespace sysctls, as
 * the two below). */
static int own_netns(char *why, size_t whysz)
{
	if (unshare(CLONE_NEWNET) < 0) {
		snprintf(why, whysz, "unshare(CLONE_NEWNET): %s",
			 strerror(errno));
		return -1;
	}
	if (tb_sh("ip link set lo up") < 0 ||
	    tb_sh("ip -6 addr add fd00:99::1/128 dev lo nodad") < 0 ||
	    tb_sh("ip -6 addr add fd00:99::2/128 dev lo nodad") < 0 ||
	    tb_sh("ip -6 addr add fd00:98::1/128 dev lo nodad") < 0) {
		snprintf(why, whysz, "cannot set up loopback with ip(8)");
		return -1;
	}
	tb_sh("echo 3 > /proc/sys/net/ipv4/tcp_fastopen");
	/* many short connections to one port (the bench): TIME_WAIT must
	 * not run the ports out */
	tb_sh("echo 1 > /proc/sys/net/ipv4/tcp_tw_reuse");
	tb_sh("echo '1024 65535' > /proc/sys/net/ipv4/ip_local_port_range");
	return 0;
}

int tb_setup(char *why, size_t whysz)
{
	char name[64];

	if (geteuid() != 0) {
		snprintf(why, whysz, "not root");
		return -1;
	}
	if (cgroup2_mount(T.mount, sizeof(T.mount)) < 0) {
		snprintf(why, whysz, "no cgroup v2 mount in /proc/mounts");
		return -1;
	}
	if (own_netns(why, whysz) < 0)
		return -1;
	snprintf(name, sizeof(name), "tg-bpftest-%d", (int)getpid());
	T.pid = getpid();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (tb_cgroup_make(T.mount, name, T.parent, sizeof(T.parent), NULL) <
	    0) {
		snprintf(why, whysz, "cannot make %s/%s: %s", T.mount, name,
			 strerror(errno));
		return -1;
	}
	return 0;
}

int tb_start(bool pin)
{
	struct egress_opts o = {0};

	if (pin)
		o.pin_dir = T.pin_dir;
	return tb_start_opts(&o);
}

int tb_start_opts(const struct egress_opts *o)
{
	int r = egress_new(o, &T.e);

	if (r < 0)
		return r;
	if (r < 0)
		return r;
	r = egress_start(T.e, T.parent);
	if (r < 0) {
		printf("  (egress_start: %s)\n", egress_error(T.e));
		egress_free(T.e);
		T.e = NULL;
	}
	return r;
}

void tb_stop(void)
{
	if (!T.e)
		return;
	egress_stop(T.e);
	egress_free(T.e);
	T.e = NULL;
}

void tb_teardown(void)
{
	tb_stop();
	/* what a failed test left behind, children first */
	while (T.ncg > 0) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s", T.cg[T.ncg - 1]);
		tb_cgroup_remove(p);
	}
}
