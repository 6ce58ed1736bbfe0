/* SPDX-License-Identifier: MIT */
#include "agent.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "decide.h"
#include "hello.h"
#include "kread.h"
#include "landlock.h"
#include "log.h"
#include "missing.h"
#include "netaddr.h"
#include "procfs.h"
#include "records.h"
#include "req_decode.h"
#include "resolver.h"
#include "self.h"
#include "rtcount.h"
#include "session.h"
#include "supervisor.h"
#include "sys.h"
#include "tg_proto.h"
#include "util.h"

static void send_error(struct conn *c, uint32_t id, const char *msg)
{
	uint8_t buf[8192];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_ERROR, id);
	tgp_put(&e, TGPT_MESSAGE, msg, strnlen(msg, 4095));
	long n = tgp_enc_end(&e);
	if (n > 0)
		conn_send(c, buf, (size_t)n);
}

/* a reply with no fields */
static void send_empty(struct conn *c, enum tgp_type type, uint32_t id)
{
	uint8_t buf[sizeof(struct tgp_hdr)];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), type, id);
	long n = tgp_enc_end(&e);
	if (n > 0)
		conn_send(c, buf, (size_t)n);
}

static void reply_decision(struct conn *c, uint32_t id, const struct outcome *o)
{
	uint8_t buf[CONN_REPLY_MAX];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_DECISION, id);
	tgp_put_u32(&e, TGPT_ACTION, (uint32_t)o->d.action);
	tgp_put_str(&e, TGPT_RULE, o->d.rule_id);
	if (o->msg[0])
		tgp_put_str(&e, TGPT_MESSAGE, o->msg);
	tgp_put(&e, TGPT_TARGET, o->target, strnlen(o->target, 8191));
	if (o->quiet && o->decision != DECISION_ALLOWED)
		tgp_put_u32(&e, TGPT_FLAGS, TGPF_QUIET);
	long n = tgp_enc_end(&e);
	if (n > 0)
		conn_send(c, buf, (size_t)n);
}

/* Returns -EAGAIN when the request must wait for a host lookup; the caller
 * keeps the message and hands it in again. */
static int handle_decide(struct conn *c, uint32_t id, const struct req *q,
			 uint64_t t0)
{
	/* decide() initialises it: no zeroing of its 26 KiB here */
	_cleanup_free_ struct outcome *o = malloc(sizeof(*o));
	if (!o)
		return -ENOMEM;
	/* a prompt keeps the request in c's buffer until it is answered */
	int r = decide_waiting(&c->caller, q, o, t0, c, 0);
	if (r == 0)
		reply_decision(c, id, o);
	return r;
}

/* Each of v (n strings) as a field tag of e. */
static void put_strs(struct tgp_enc *e, enum tgp_tag tag, const char *const *v,
		     size_t n)
{
	for (size_t i = 0; i < n; i++)
		tgp_put_str(e, tag, v[i]);
}

/* HELLO_OK's fast-path globs (reads, then execs): what a process may
 * decide by itself (none where a list is over the cap). */
static void put_fastpath(struct tgp_enc *e, const struct policy *p)
{
	const char *const *al, *const *se;
	size_t nal, nse;
	bool ok;
	policy_read_fastpath(p, &al, &nal, &se, &nse, &ok);
	if (nal > TGP_MAX_GLOBS || nse > TGP_MAX_GLOBS)
		ok = false;
	tgp_put_u32(e, TGPT_FASTPATH, ok);
	if (ok) {
		put_strs(e, TGPT_ALLOW_GLOB, al, nal);
		put_strs(e, TGPT_SENS_GLOB, se, nse);
	}
	const char *const *xa, *const *xs, *const *x0;
	size_t nxa, nxs, nx0;
	bool xok;
	policy_exec_fastpath(p, &xa, &nxa, &xs, &nxs, &x0, &nx0, &xok);
	if (nxa > TGP_MAX_GLOBS || nxs > TGP_MAX_GLOBS || nx0 > TGP_MAX_GLOBS)
		xok = false;
	/* the interposer keeps 8 identities (put_git_ids): with more, a copy
	 * of a refused program could pass it, so it decides no exec */
	struct sys_git_id ids[8];
	if (sys_git_ids(ids, 8) + policy_ids_export(p, NULL, 0) > 8)
		xok = false;
	tgp_put_u32(e, TGPT_EXEC_FAST, xok);
	if (xok) {
		put_strs(e, TGPT_EXEC_ALLOW, xa, nxa);
		put_strs(e, TGPT_EXEC_SENS, xs, nxs);
		put_strs(e, TGPT_EXEC_SENS0, x0, nx0);
	}
}

/* git's identities and those of the programs refusing exec rules name
 * (policy_ids_export): an exec of one (or a copy: same size) is never
 * decided locally */
static void put_git_ids(struct tgp_enc *e, const struct policy *p)
{
	struct sys_git_id gits[8];
	size_t ngit = sys_git_ids(gits, 8);
	size_t nids = policy_ids_export(p, gits + ngit, 8 - ngit);
	ngit += nids < 8 - ngit ? nids : 8 - ngit;
	for (size_t i = 0; i < ngit; i++) {
		char gid[96];
		snprintf(gid, sizeof(gid), "%llu:%llu:%lld",
			 (unsigned long long)gits[i].dev,
			 (unsigned long long)gits[i].ino,
			 (long long)gits[i].size);
		tgp_put_str(e, TGPT_GIT_ID, gid);
	}
}

/* HELLO_OK for a process of session s (NULL: none) into buf; backstop:
 * it is under the session's filter. Its length, or -1. */
static long hello_encode(const struct session *s, bool backstop, uint32_t id,
			 uint8_t *buf, size_t cap)
{
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, cap, TGP_HELLO_OK, id);
	if (!s) {
		tgp_put_u32(&e, TGPT_FAIL, 0);
		tgp_put_u32(&e, TGPT_FASTPATH, 0);
	} else {
		const struct policy_settings *st = policy_settings(s->policy);
		tgp_put_str(&e, TGPT_SESSION, s->id);
		tgp_put_u32(&e, TGPT_FAIL, st->fail == POLICY_FAIL_OPEN);
		put_fastpath(&e, s->policy);
		put_git_ids(&e, s->policy);
		if (D.genfd >= 0) {
			tgp_put_str(&e, TGPT_GENFILE, D.genfile);
			char gen[24];
			snprintf(gen, sizeof(gen), "%llu",
				 (unsigned long long)D.generation);
			tgp_put_str(&e, TGPT_GENERATION, gen);
		}
		/* the kernel path carries execs, write-opens, the other file
		 * calls (rename, unlink, mkdir, ...) and connects for
		 * a process under the session's filter: the interposer must
		 * not decide them a second time */
		if (backstop)
			tgp_put_u32(&e, TGPT_BACKSTOP,
				    TGPB_EXEC | TGPB_OPEN_WRITE | TGPB_CONNECT |
					TGPB_FS);
	}
	long n = tgp_enc_end(&e);
	if (n < 0) {
		/* too many globs for one message: no fast path */
		tgp_enc_begin(&e, buf, cap, TGP_HELLO_OK, id);
		if (s)
			tgp_put_str(&e, TGPT_SESSION, s->id);
		tgp_put_u32(&e, TGPT_FAIL, 0);
		tgp_put_u32(&e, TGPT_FASTPATH, 0);
		n = tgp_enc_end(&e);
	}
	return n;
}

static void handle_hello(struct conn *c, uint32_t id)
{
	static uint8_t buf[TGP_MAX_MSG];
	struct session *s = c->caller.s;
	long n = hello_encode(
	    s, s && s->sv && procfs_seccomp_filtered(c->caller.pid), id, buf,
	    sizeof(buf));
	if (n > 0)
		conn_send(c, buf, (size_t)n);
	/* the session's snapshot for its next processes, which read it
	 * instead of asking (hello.h), once per generation: when the
	 * session's filter is in place (its processes are all under it),
	 * or will never be */
	if (!s || s->hello_gen == D.generation || D.genfd < 0 ||
	    (s->seccomp && !s->sv))
		return;
	n = hello_encode(s, s->sv != NULL, 0, buf, sizeof(buf));
	int r = n > 0 ? hello_file_write(s->id, s->uid, buf, (size_t)n) : -EIO;
	if (r < 0)
		daemon_log("session %s: cannot write its snapshot: %s", s->id,
			   strerror(-r));
	s->hello_gen = D.generation; /* tried once per generation */
}

/* A message policyd will not act on: counted, and audited (kind
 * "protocol", refused) with target fmt. */
__attribute__((format(printf, 3, 4))) static void
audit_bad_message(struct conn *c, uint64_t t0, const char *fmt, ...)
{
	D.n_bad_messages++;
	if (!D.audit)
		return;
	struct outcome o = {.kind = "protocol", .decision = DECISION_REFUSED};
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o.target, sizeof(o.target), fmt, ap);
	va_end(ap);
	o.d.rule_id = "protocol";
	o.d.action = POLICY_DENY;
	decide_audit(&c->caller, NULL, &o, t0);
}

/* A process looked up a name. Remembered for the kernel path, and policyd
 * starts its own lookup now so the connect need not wait. The answer tells
 * the process that the names are recorded: it reads it before its next
 * connect, which therefore cannot reach the kernel path first (the
 * listener and this connection are two descriptors, and epoll gives no
 * order between them). */
static int handle_names(struct conn *c, uint32_t id, const struct req *q)
{
	if (!q->host[0] || !q->naddrs) {
		D.n_bad_messages++;
		daemon_log("malformed names report from pid %d: connection "
			   "closed",
			   (int)c->caller.pid);
		return -EBADMSG;
	}
	char norm[256];
	struct tg_addr lit;
	struct session *s = c->caller.s;
	if (s && tg_addr_parse(q->host, &lit) < 0 &&
	    tg_host_normalize(q->host, norm, sizeof(norm)) == 0) {
		session_names_record(s, c->caller.pid, norm, q->addrs,
				     q->naddrs);
		if (policy_host_named(s->policy, norm))
			(void)resolver_check(norm, q->addrs[0], s->id);
	}
	send_empty(c, TGP_NAMES_OK, id);
	return 0;
}

/* The scratch directory that came last with a listener (TGPF_SCRATCH),
 * taken from the passed descriptors and kept where it is from now on (its
 * name the kernel's, from the descriptor). The session's route through it
 * is made already: where policyd cannot keep it (a policy that does not
 * ask for it, no memory), the listener is refused and the session stops.
 * 0 or -errno with err set. */
static int take_scratch(struct conn *c, struct session *s,
			const struct req *q, char *err, size_t cap)
{
	if (!(q->flags & TGPF_SCRATCH))
		return 0;
	if (c->npassed < 2) {
		snprintf(err, cap, "no scratch directory came with it");
		return -EINVAL;
	}
	int fd = c->passed_fd[--c->npassed];
	char link[64], path[TG_PATH_MAX];
	struct stat st;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	int r = -EINVAL;
	if (n > 0)
		path[n] = '\0';
	/* still where agent-shell made it: moved meanwhile (by another
	 * session, before policyd kept it), the route would have followed
	 * it wherever it went */
	const char *base = n > 1 ? strrchr(path, '/') : NULL;
	if (!policy_settings(s->policy)->scratch_private || s->scratch ||
	    fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) || !base ||
	    path[0] != '/' || !q->has_path || strcmp(path, q->path) ||
	    strncmp(base + 1, "tiergate-", 9)) {
		snprintf(err, cap,
			 "a scratch directory this session's policy does not "
			 "ask for, not a directory, or not where agent-shell "
			 "made it (moved meanwhile?)");
	} else {
		r = self_scratch(path, true);
		if (r == 0 && !(s->scratch = strdup(path))) {
			(void)self_scratch(path, false);
			r = -ENOMEM;
		}
		if (r < 0)
			snprintf(err, cap,
				 "cannot keep the session's scratch directory "
				 "%.120s: %s",
				 path, strerror(-r));
	}
	conn_close_passed(fd);
	return r;
}

/* agent-shell hands over the session's seccomp listener (and in-flight
 * table, and its scratch directory). Only the connection that opened the
 * session may. */
#ifdef TIERGATE_TEST_HOOKS
/* Test hook (tests/integration): with TIERGATE_TEST_DIE_AT_LISTENER=FILE,
 * policyd dies as a session's listener comes, before it answers, when FILE
 * exists (and removes it first: once, as the policyd started after it has
 * the same environment). */
static void test_die_at_listener(void)
{
	const char *f = secure_getenv("TIERGATE_TEST_DIE_AT_LISTENER");
	if (f && unlink(f) == 0)
		raise(SIGKILL);
}
#else
static void test_die_at_listener(void)
{
}
#endif

static void handle_listener(struct conn *c, uint32_t id, const struct req *q)
{
	test_die_at_listener();
	char err[256] = "";
	int r = -EPERM;
	struct session *s = c->caller.s;
	if (!s || s->shell_fd != c->fd)
		snprintf(err, sizeof(err),
			 "only the session's agent-shell may send a listener");
	else if (c->npassed < 1)
		snprintf(err, sizeof(err), "no descriptor came with it");
	else if (take_scratch(c, s, q, err, sizeof(err)) == 0) {
		int lfd = c->passed_fd[0];
		int inf = c->npassed > 1 ? c->passed_fd[1] : -1;
		c->npassed = 0; /* ownership passes to the supervisor */
		r = supervisor_attach(s, lfd, inf, err, sizeof(err));
		if (r < 0)
			conn_close_passed(lfd);
	}
	if (r < 0) {
		daemon_log("listener from pid %d refused: %s",
			   (int)c->caller.pid, err);
		send_error(c, id, err);
		return;
	}
	daemon_log("session %s: supervising its seccomp notifications%s", s->id,
		   s->sv->sync_wakeup ? "" : " (no synchronous wake-up)");
	send_empty(c, TGP_LISTENER_OK, id);
}

/* A session opened by agent-shell (c's peer): made, logged, audited. */
static struct session *session_open(struct conn *c, uint32_t id,
				    const struct req *q)
{
	char err[4096] = "";
	struct session *s;
	struct session_params sp = {.pid = c->caller.pid,
				    .pidfd = c->pidfd,
				    .start = c->caller.start,
				    .uid = c->caller.uid,
				    .shell_fd = c->fd,
				    .name = q->name,
				    .policy = q->policy,
				    .tmpdir = q->tmpdir,
				    .flags = q->flags};
	if (session_create(&sp, &s, err, sizeof(err)) < 0) {
		send_error(c, id, err);
		daemon_log("session refused for pid %d: %s", (int)c->caller.pid,
			   err);
		return NULL;
	}
	if (!conn_peer_alive(c)) {
		/* its cwd, pin and cgroup were another process's if it died
		 * meanwhile and its pid was taken */
		session_end(s, "the process that opened it is gone");
		send_error(c, id, "the process that asked is gone");
		return NULL;
	}
	c->caller.s = s;
	/* its listener comes next on this connection (SCM_RIGHTS, refused
	 * to every other: conn.c, refuse_rights) */
	int yes = 1;
	(void)setsockopt(c->fd, SOL_SOCKET, SO_PASSRIGHTS, &yes, sizeof(yes));
	daemon_log("session %s (%s) opened by pid %d uid %u, policy %s", s->id,
		   s->name, (int)c->caller.pid, (unsigned)c->caller.uid,
		   s->policy_path);
	records_session_started(s, c->caller.pid, c->caller.uid);
	return s;
}

/* The deny-read plan (policy_denyread.c) for agent-shell to mask in the
 * session's mount namespace: TGPF_MASK, or 0 when it could not be made
 * (then agent-shell says the layer is off). A joined session is already
 * in its first agent-shell's namespace. */
static uint32_t put_denyread(struct tgp_enc *e, struct session *s)
{
	struct policy_denyread dr;
	if (policy_denyread_plan(s->policy, &dr) < 0)
		return 0;
	s->denyread = dr.npath || dr.ntree || dr.nglobs;
	put_strs(e, TGPT_MASK_PATH, (const char *const *)dr.path, dr.npath);
	put_strs(e, TGPT_MASK_TREE, (const char *const *)dr.tree, dr.ntree);
	put_strs(e, TGPT_MASK_GLOB, (const char *const *)dr.globs, dr.nglobs);
	policy_denyread_free(&dr);
	return TGPF_MASK;
}

static void handle_session_new(struct conn *c, uint32_t id, const struct req *q)
{
	static uint8_t buf[TGP_MAX_MSG];
	struct tgp_enc e;
	struct session *s = c->caller.s;
	bool joined = s != NULL;
	if (!s && !(s = session_open(c, id, q)))
		return;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_SESSION_OK, id);
	tgp_put_str(&e, TGPT_SESSION, s->id);
	tgp_put_str(&e, TGPT_NAME, s->name);
	tgp_put_str(&e, TGPT_POLICY, s->policy_path);
	tgp_put_u32(&e, TGPT_FAIL,
		    policy_settings(s->policy)->fail == POLICY_FAIL_OPEN);
	/* the Landlock plan, compiled from the session's policy (fixed for
	 * the session's life: a reload cannot widen what the kernel enforces)
	 */
	struct policy_landlock ll;
	uint32_t fl = joined ? 1u : 0u;
	if (policy_landlock_plan(s->policy, &ll) == 0) {
		/* restriction is stated, never implied: an agent-shell that
		 * talks to an older policyd applies no Landlock */
		fl |= (ll.write_all ? 0 : TGPF_LL_WRITE) |
		      (ll.exec_all ? 0 : TGPF_LL_EXEC);
		if (!ll.write_all)
			put_strs(&e, TGPT_LL_WRITE,
				 (const char *const *)ll.write, ll.nwrite);
		if (!ll.exec_all)
			put_strs(&e, TGPT_LL_EXEC, (const char *const *)ll.exec,
				 ll.nexec);
		if (!joined && s->landlock) {
			s->ll_write = !ll.write_all;
			s->ll_exec = !ll.exec_all;
			if (s->ll_write)
				s->ll_bound = ll_bound_new(
				    (const char *const *)ll.write, ll.nwrite);
		}
		policy_landlock_free(&ll);
	}
	if (!joined)
		fl |= put_denyread(&e, s);
	/* the private scratch directory: made, and put in the filter and the
	 * domain, by agent-shell where its kernel can (it says so otherwise) */
	if (policy_settings(s->policy)->scratch_private)
		fl |= TGPF_SCRATCH;
	tgp_put_u32(&e, TGPT_FLAGS, fl);
	long n = tgp_enc_end(&e);
	if (n > 0)
		conn_send(c, buf, (size_t)n);
}

/* Another tiergate's interposer or agent-shell: it is told this policyd's
 * version (a header in it) before the connection closes, so that it can
 * say what is wrong. */
static int other_version(struct conn *c, const uint8_t *msg, uint64_t t0)
{
	int peer = tgp_magic_version(msg);
	audit_bad_message(c, t0,
			  "a message in version %d of the tiergate protocol "
			  "(policyd speaks %d)",
			  peer, TGP_VERSION);
	daemon_log("pid %d speaks version %d of the protocol, this policyd %d "
		   "(two tiergate versions installed?): connection closed",
		   (int)c->caller.pid, peer, TGP_VERSION);
	struct tgp_hdr h;
	memcpy(&h, msg, sizeof(h));
	send_empty(c, TGP_BAD_VERSION, h.id);
	return -EPROTO;
}

/* Has c's peer sent another request after msg (len bytes, in c's read
 * buffer) before reading msg's answer? Every client of the agent socket
 * waits for each answer before it asks again (tgp_roundtrip; a deferred
 * NAMES keeps its connection to itself), but for agent-shell's
 * KREFUSED reports, which have none. A header not yet whole is not
 * looked at: it is one message more at most. */
static bool pipelined(const struct conn *c, const uint8_t *msg, size_t len)
{
	const uint8_t *p = msg + len, *end = c->rbuf + c->rlen;
	if (msg < c->rbuf || p > end)
		return false;
	while ((size_t)(end - p) >= sizeof(struct tgp_hdr)) {
		struct tgp_hdr h;
		memcpy(&h, p, sizeof(h));
		if (h.type != TGP_KREFUSED || tgp_peek_len(p) < 0)
			return true;
		if ((size_t)(end - p) < (size_t)tgp_peek_len(p))
			return false;
		p += tgp_peek_len(p);
	}
	return false;
}

static void req_freep(struct req **q)
{
	if (*q)
		req_free(*q);
	free(*q);
}

int agent_handle(struct conn *c, const uint8_t *msg, size_t len)
{
	uint64_t t0 = tg_mono_ns();
	/* only the process that connected speaks on its connection (the
	 * interposer connects anew in each process): one that exited leaves
	 * its pid to be taken, and its /proc entry, session and working
	 * directory would be read as another process's (a session's child
	 * opening a session for a process outside it) */
	if (!conn_peer_alive(c)) {
		daemon_log("agent connection of pid %d closed: the process "
			   "that connected is gone, another holds the socket",
			   (int)c->caller.pid);
		return -ESRCH;
	}
	struct tgp_dec d;
	__attribute__((cleanup(req_freep))) struct req *q = malloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->argv = NULL; /* what req_free frees, before any return */
	q->argc = 0;
	q->env = NULL;
	q->nenv = 0;
	if (!c->attributed) {
		/* its parent now, not at accept: one that died since left its
		 * pid to another process (walk_up checks each start time) */
		c->caller.s = session_of_pid(c->caller.pid);
		c->attributed = true;
		if (!conn_peer_alive(c))
			return -ESRCH; /* gone while it was looked up */
	}
	D.n_requests++;
	if (len >= sizeof(struct tgp_hdr) && tgp_peek_len(msg) == -EPROTO) {
		rtcount_request(0, NULL);
		return other_version(c, msg, t0);
	}
	if (req_decode(msg, len, &d, q) < 0) {
		rtcount_request(0, NULL);
		audit_bad_message(c, t0, "malformed %zu-byte message", len);
		daemon_log("malformed message from pid %d: connection closed",
			   (int)c->caller.pid);
		return -EBADMSG;
	}
	rtcount_request(d.h.type, q);
	/* why: policyd handles every whole message a read brought before it
	 * looks at another connection; requests sent without waiting for
	 * their answers (thousands a read) held every other session's
	 * calls: 4 to 16 such connections of one session took another
	 * session's write-opens from 0.23 ms to 145-328 ms (p50; in half
	 * the runs, as the reads filled) (tests/bypass/pipeline.sh).
	 * Answered one at a time, a connection gets one message a turn. */
	if (d.h.type != TGP_KREFUSED && pipelined(c, msg, len)) {
		audit_bad_message(c, t0,
				  "a request sent before the answer to the "
				  "one before it");
		daemon_log("pid %d sent requests without waiting for their "
			   "answers: connection closed",
			   (int)c->caller.pid);
		return -EBADMSG;
	}
	switch (d.h.type) {
	case TGP_HELLO:
		handle_hello(c, d.h.id);
		return 0;
	case TGP_SESSION_NEW:
		handle_session_new(c, d.h.id, q);
		return 0;
	case TGP_LISTENER:
		handle_listener(c, d.h.id, q);
		return 0;
	case TGP_NAMES:
		return handle_names(c, d.h.id, q);
	case TGP_DECIDE:
		return handle_decide(c, d.h.id, q, t0);
	case TGP_KREFUSED:
		return kread_refused(c, q);
	default:
		D.n_bad_messages++;
		return -EBADMSG; /* replies have no place on this socket */
	}
}
