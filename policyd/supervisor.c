/* SPDX-License-Identifier: MIT */
/*
 * supervisor: policyd's half of the kernel backstop. agent-shell installs a
 * seccomp filter whose user-notify listener it hands to policyd; every
 * execve/execveat, every open that asks for write/create/truncate, every
 * connect and every send with a destination address of the session then
 * waits in the kernel until policyd answers here.
 *
 * One notification, one decision, one audit line, one answer:
 *   - arguments are read from the caller's memory with process_vm_readv,
 *     page by page, and SECCOMP_IOCTL_NOTIF_ID_VALID is checked after the
 *     reads (the pid still names the waiting caller);
 *   - exec: decided like an interposed exec (chain of scripts and ld.so
 *     included); allowed -> the kernel continues; callers that could rewrite
 *     argv meanwhile are held to settings.exec_race;
 *   - write-open: decided, then policyd opens the file itself as the caller
 *     (its fsuid, fsgid, groups, umask and root; no symlinks, no magic links)
 *     and injects the descriptor with SECCOMP_IOCTL_NOTIF_ADDFD: the object
 *     decided on is the object the caller gets;
 *   - connect/sendto/sendmsg/sendmmsg: decided on the address and the
 *     socket's type (taken with pidfd_getfd);
 *   - refusals fail with EACCES (EPERM for network calls), and the one-line
 *     message is written to the caller's stderr by policyd (pidfd_getfd, a
 *     poll-bounded write), so static programs get it too.
 *
 * Each notification being handled is copied to a slot of the session's
 * in-flight table (a memfd that agent-shell created): a policyd started
 * after a crash answers the calls the dead one had received.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "daemon.h"
#include "exec_verify.h"
#include "procfs.h"
#include "req_decode.h"
#include "supervisor.h"
#include "util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

#define PAGE 4096u
/* newer than some headers */
#define TG_SYS_fchmodat2 452
#define TG_SYS_setxattrat 463
#define TG_SYS_removexattrat 466
#define ARGV_BYTES_MAX (1u << 20) /* as the interposer: 1 MiB of argv */

/* ------------------------------------------------------------ memory */

/* Reads exactly len bytes at addr from pid; -EFAULT if any is unmapped. */
static int mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = {.iov_base = buf, .iov_len = len};
	struct iovec r = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
	ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

/*
 * The caller's pages read for the notification being decided. The path,
 * argv and its strings usually sit on one or two pages, and every read
 * costs a pin of the page: each page is read once, whole. Reset for every
 * notification (pages_reset); one thread.
 */
#define PAGES 4
static struct {
	pid_t pid;
	int n, next;
	uint64_t base[PAGES];
	uint8_t buf[PAGES][PAGE];
} pg;

static void pages_reset(pid_t pid)
{
	pg.pid = pid;
	pg.n = pg.next = 0;
}

/* The page at base (page-aligned), read now or before; NULL (errno) if
 * it is not mapped readable. */
static const uint8_t *page_get(uint64_t base)
{
	for (int i = 0; i < pg.n; i++)
		if (pg.base[i] == base)
			return pg.buf[i];
	int slot = pg.next;
	pg.next = (pg.next + 1) % PAGES;
	if (pg.n < PAGES)
		pg.n++;
	pg.base[slot] = base;
	if (mem_read(pg.pid, base, pg.buf[slot], PAGE) < 0) {
		pg.base[slot] = UINT64_MAX; /* never matches a page */
		errno = EFAULT;
		return NULL;
	}
	return pg.buf[slot];
}

/* Two pages known up front (the path's and argv's) in one system call;
 * what fails here is read (and fails) again one page at a time. */
static void pages_prefetch(uint64_t a, uint64_t b)
{
	a &= ~(uint64_t)(PAGE - 1);
	b &= ~(uint64_t)(PAGE - 1);
	if (!a || !b || a == b || pg.n)
		return;
	struct iovec l[2] = {{pg.buf[0], PAGE}, {pg.buf[1], PAGE}};
	struct iovec r[2] = {{(void *)(uintptr_t)a, PAGE},
			     {(void *)(uintptr_t)b, PAGE}};
	ssize_t n = process_vm_readv(pg.pid, l, 2, r, 2, 0);
	if (n >= (ssize_t)PAGE) {
		pg.base[0] = a;
		pg.n = pg.next = 1;
	}
	if (n == 2 * (ssize_t)PAGE) {
		pg.base[1] = b;
		pg.n = pg.next = 2;
	}
}

/* len bytes at addr from the caller's pages. */
static int page_copy(uint64_t addr, void *out, size_t len)
{
	uint8_t *o = out;
	while (len) {
		size_t off = (size_t)(addr % PAGE), n = PAGE - off;
		if (n > len)
			n = len;
		const uint8_t *p = page_get(addr - off);
		if (!p)
			return -EFAULT;
		memcpy(o, p + off, n);
		o += n;
		addr += n;
		len -= n;
	}
	return 0;
}

/* Reads a NUL-terminated string, one page at a time (never past the page
 * the terminator is on). -ENAMETOOLONG if cap bytes hold no NUL. */
static int mem_str(uint64_t addr, char *buf, size_t cap, size_t *ret_len)
{
	size_t got = 0;
	if (!addr)
		return -EFAULT;
	while (got < cap) {
		size_t chunk = PAGE - (size_t)((addr + got) % PAGE);
		if (chunk > cap - got)
			chunk = cap - got;
		int r = page_copy(addr + got, buf + got, chunk);
		if (r < 0)
			return r;
		char *z = memchr(buf + got, '\0', chunk);
		if (z) {
			if (ret_len)
				*ret_len = (size_t)(z - buf);
			return 0;
		}
		got += chunk;
	}
	return -ENAMETOOLONG;
}

/* --------------------------------------------------------- the caller */

static bool notif_valid(int lfd, uint64_t id)
{
	return ioctl(lfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static int respond(int lfd, uint64_t id, int err, int64_t val, bool cont)
{
	struct seccomp_notif_resp r = {
	    .id = id,
	    .error = err ? -err : 0,
	    .val = val,
	    .flags = cont ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0};
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &r) < 0)
		return -errno; /* ENOENT: the caller is gone (killed) */
	return 0;
}

/* A call policyd carried out itself (a file operation, a descriptor put in
 * the caller) is marked done in its in-flight slot before it is answered:
 * a policyd killed in between leaves the mark, and the next one answers
 * from it instead of doing the call a second time (a second mkdir would
 * answer EEXIST, a second open leave a stray descriptor). */
static void slot_note(struct tgp_inflight *e, uint32_t state, int32_t value,
		      const struct stat *st)
{
	if (!e)
		return;
	e->value = value;
	e->dev = st ? (uint64_t)st->st_dev : 0;
	e->ino = st ? (uint64_t)st->st_ino : 0;
	__atomic_store_n(&e->state, state, __ATOMIC_RELEASE);
}

/* Crash test hook (tests/bypass): with TIERGATE_TEST_DIE_AFTER_DONE=N in
 * its environment, policyd dies after carrying out the Nth call it
 * received itself, before answering it, as a kill -9 could. */
static void test_die_point(bool rehandled)
{
	static long die_after = -1;
	if (die_after < 0) {
		const char *v = secure_getenv("TIERGATE_TEST_DIE_AFTER_DONE");
		die_after = v ? atol(v) : 0;
	}
	if (!rehandled && die_after > 0 && --die_after == 0)
		raise(SIGKILL);
}

/* Tests: TIERGATE_TEST_NO_GETFD=1 makes policyd act as if it could not
 * copy a caller's descriptor for a call on (fd, "", AT_EMPTY_PATH), as under
 * Yama's ptrace_scope 1 in user mode (the bypass suite checks what happens
 * then). */
static bool test_no_getfd(void)
{
	static int v = -1;
	if (v < 0)
		v = secure_getenv("TIERGATE_TEST_NO_GETFD") != NULL;
	return v == 1;
}

/* Could something rewrite the caller's argv after policyd read it? Another
 * thread of its process, or another process sharing its memory, or a
 * shared writable mapping holding argv. The filter refuses clone(CLONE_VM)
 * unless it makes a thread or a vfork child, so a process sharing the
 * caller's memory is a vfork parent up its line (suspended until the child
 * execs) or a thread of one: walk up while the memory is the same, and
 * any of them with a second thread can race. */
static bool caller_racy(pid_t pid, const uint64_t *addrs, size_t n)
{
	/* whatever cannot be told is taken to race */
	struct proc_status st;
	if (procfs_status_brief(pid, &st) < 0 || st.threads > 1)
		return true;
	for (int depth = 0; st.ppid > 1; depth++) {
		pid_t up = st.ppid;
		if (syscall(SYS_kcmp, pid, up, 1 /* KCMP_VM */, 0, 0) != 0)
			break; /* its own memory from here up */
		if (depth == 16 || procfs_status_brief(up, &st) < 0 ||
		    st.threads > 1)
			return true;
	}
	return procfs_shared_writable(pid, addrs, n) != 0;
}

/* The caller's descriptor fd, as a descriptor of policyd's (same open file
 * description). -errno on failure. */
static int caller_fd(pid_t pid, int fd)
{
	int pfd = procfs_pidfd_open(pid);
	if (pfd < 0)
		return pfd;
	int r = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	int e = errno;
	close(pfd);
	return r < 0 ? -e : r;
}

/* Is descriptor fd of thread tid the file dev/ino? (A descriptor the
 * previous policyd put in: other threads may have closed or replaced it
 * since.) */
static bool caller_has_file(pid_t tid, int fd, uint64_t dev, uint64_t ino)
{
	char p[64];
	struct stat st;
	snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)tid, fd);
	return fd >= 0 && stat(p, &st) == 0 && (uint64_t)st.st_dev == dev &&
	       (uint64_t)st.st_ino == ino;
}

/* Writes one line to the caller's stderr, never blocking policyd: a poll
 * with no timeout first, and at most PIPE_BUF bytes (atomic on a pipe). */
void sv_tell_caller(pid_t pid, const char *line, size_t len)
{
	int fd = caller_fd(pid, 2);
	if (fd < 0)
		return;
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	if (len > 4096)
		len = 4096;
	struct stat st;
	if (fstat(fd, &st) == 0) {
		if (S_ISSOCK(st.st_mode))
			(void)!send(fd, line, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		else if (S_ISREG(st.st_mode) ||
			 (poll(&p, 1, 0) == 1 && (p.revents & POLLOUT)))
			(void)!write(fd, line, len);
	}
	close(fd);
}

static void say_refused(pid_t pid, const char *kind, const char *target,
			const struct outcome *o)
{
	char line[2048];
	size_t n = tgp_refusal_line(line, sizeof(line), "refused", kind, target,
				    o->d.rule_id ? o->d.rule_id : "?", o->msg);
	sv_tell_caller(pid, line, n);
}

/* ------------------------------------------------------------- calls */

struct call {
	struct sv *sv;
	const struct seccomp_notif *n;
	struct conn c; /* the caller, dressed as a connection for request.c */
	struct proc_status cr;
	bool have_cr; /* cr was read (write-opens: always) */
	struct req q;
	uint64_t t0;
	const uint64_t *addrs; /* exec: where path, argv and its strings are */
	size_t naddr;
	int racy; /* caller_racy's answer; -1 not asked yet */
	int fsfd; /* fchmod/fchown: policyd's copy of the descriptor, or -1 */
	bool fsfd_cwd; /* ... not a descriptor's: the caller's cwd, held */
	int held;      /* exec: exec_verify's slot, -1 not held */
	struct tgp_inflight *ifl; /* its in-flight slot, or NULL */
	bool rehandled;		  /* left by a previous policyd */
	/* a refusal of a call that can have no effect (call_noop): the
	 * errno when q.path names something (EEXIST, EADDRINUSE), whether
	 * its absence means so, looked up from this dirfd, following a
	 * final symlink or not */
	int noop_exists;
	bool noop_missing, noop_follow;
	int noop_dirfd;
};

static struct call *call_of(struct conn *c)
{
	return (struct call *)((char *)c - offsetof(struct call, c));
}

/* Answers a call policyd performed: r is 0 or -errno. */
static void performed(struct call *k, int r)
{
	slot_note(k->ifl, TGP_IFL_DONE, r, NULL);
	test_die_point(k->rehandled);
	respond(k->sv->fd, k->n->id, -r, 0, false);
}

static bool call_could_race(struct conn *c)
{
	struct call *k = call_of(c);
	if (k->racy < 0)
		k->racy = caller_racy(k->c.pid, k->addrs, k->naddr);
	return k->racy == 1;
}

/* An exec about to be allowed: a caller that could rewrite its path or
 * argv before the kernel reads them again is held and checked at its exec
 * stop (settings.exec_race verify or refuse, where policyd can attach) */
static int call_hold_exec(struct conn *c, const struct req *q,
			  const struct outcome *o)
{
	struct call *k = call_of(c);
	if (policy_settings(c->s->policy)->exec_race == POLICY_RACE_IGNORE ||
	    !supervisor_verify_available(NULL, 0) || !call_could_race(c))
		return 0;
	int r = exec_verify_hold(c->pid, o, q, c->s->id);
	if (r < 0)
		return r;
	k->held = r;
	return 1;
}

/* Answers an exec notification (through exec_verify when it is held). */
static void exec_respond(struct call *k, int err, bool cont)
{
	if (k->held >= 0)
		exec_verify_answer(k->held, k->sv->fd, k->n->id, err, cont);
	else
		respond(k->sv->fd, k->n->id, err, 0, cont);
}

/* request_decide initialises it: no zeroing of its 26 KiB here */
static struct outcome *outcome_new(void)
{
	return malloc(sizeof(struct outcome));
}

/* 0, or -EAGAIN: a host lookup must finish first (the call is parked) */
static int decide(struct call *k, struct outcome *o)
{
	return request_decide(&k->c, &k->q, o, k->t0);
}

static bool allowed(const struct outcome *o)
{
	return o->decision && !strcmp(o->decision, "allowed");
}

static void handle_exec(struct call *k, bool at)
{
	const struct seccomp_notif *n = k->n;
	pid_t pid = (pid_t)n->pid;
	uint64_t path_at = at ? n->data.args[1] : n->data.args[0];
	uint64_t argv_at = at ? n->data.args[2] : n->data.args[1];
	int dirfd = at ? (int)n->data.args[0] : AT_FDCWD;
	int flags = at ? (int)n->data.args[4] : 0;
	/* policyd answers on one thread: the argv buffers are static, not
	 * 1.3 MB allocated and freed per exec */
	static char arena[ARGV_BYTES_MAX];
	static const char *argv[TGP_MAX_ARGS + 1];
	static uint64_t addrs[TGP_MAX_ARGS + 2];
	struct outcome *o = outcome_new();
	int err = 0;
	if (!o) {
		err = ENOMEM;
		goto out;
	}
	size_t len = 0;
	pages_reset(pid);
	pages_prefetch(path_at, argv_at);
	int r = mem_str(path_at, k->q.path, sizeof(k->q.path), &len);
	if (r < 0) {
		err = r == -ENAMETOOLONG ? ENAMETOOLONG : EFAULT;
		goto out;
	}
	/* the name the kernel gives the program (bprm->filename) */
	static char kname[TGP_MAX_PATH + 32];
	if (len == 0 && (flags & AT_EMPTY_PATH)) {
		/* fexecve / execveat(fd, "", AT_EMPTY_PATH): the program is
		 * the caller's descriptor */
		snprintf(kname, sizeof(kname), "/dev/fd/%d", dirfd);
		snprintf(k->q.path, sizeof(k->q.path), "/proc/self/fd/%d",
			 dirfd);
		dirfd = AT_FDCWD;
	} else if (len == 0) {
		err = ENOENT;
		goto out;
	} else if (k->q.path[0] == '/' || dirfd == AT_FDCWD) {
		snprintf(kname, sizeof(kname), "%s", k->q.path);
	} else {
		snprintf(kname, sizeof(kname), "/dev/fd/%d/%s", dirfd,
			 k->q.path);
	}
	k->q.kname = kname;
	k->q.has_path = true;
	k->q.dirfd = dirfd;
	/* argv: pointers a page at a time, then each string */
	size_t argc = 0, used = 0, naddr = 0;
	addrs[naddr++] = path_at;
	addrs[naddr++] = argv_at;
	if (argv_at) {
		for (;;) {
			uint64_t ptrs[PAGE / 8];
			uint64_t at_ = argv_at + argc * 8;
			size_t cnt = (PAGE - (size_t)(at_ % PAGE)) / 8;
			if (cnt == 0)
				cnt = 1;
			if ((r = page_copy(at_, ptrs, cnt * 8)) < 0) {
				err = EFAULT;
				goto out;
			}
			size_t i = 0;
			for (; i < cnt && ptrs[i]; i++) {
				if (argc >= TGP_MAX_ARGS) {
					err = E2BIG;
					goto out;
				}
				size_t sl;
				r = mem_str(ptrs[i], arena + used,
					    ARGV_BYTES_MAX - used, &sl);
				if (r < 0) {
					err =
					    r == -ENAMETOOLONG ? E2BIG : EFAULT;
					goto out;
				}
				argv[argc++] = arena + used;
				used += sl + 1;
				if (naddr < TGP_MAX_ARGS + 2)
					addrs[naddr++] = ptrs[i];
			}
			if (i < cnt)
				break;
		}
	}
	if (argc == 0)
		argv[argc++] = ""; /* the kernel runs it with argv[0] = "" */
	k->q.argv = argv;
	k->q.argc = argc;
	k->q.kind = TGPK_EXEC;
	/* asked only when an allow depends on argv (request.c) */
	k->addrs = addrs;
	k->naddr = naddr;
	k->c.could_race = call_could_race;
	k->c.hold_exec = call_hold_exec;
	if (!notif_valid(k->sv->fd, n->id))
		goto gone; /* the caller died: pid may be reused; no decision */
	decide(k, o);
	if (allowed(o)) {
		exec_respond(k, 0, true);
		goto done;
	}
	if (o->absent) {
		/* no such program: what the kernel would say, silently */
		exec_respond(k, o->absent, false);
		goto done;
	}
	char label[1024];
	size_t lo = 0;
	for (size_t i = 0; i < argc && lo + 2 < sizeof(label); i++) {
		int w = snprintf(label + lo, sizeof(label) - lo, "%s%s",
				 i ? " " : "", argv[i]);
		if (w < 0)
			break;
		lo += (size_t)w;
	}
	say_refused(pid, "exec", label, o);
	err = EACCES;
out:
	if (err && err != EACCES)
		daemon_log("exec notification from pid %d refused: %s",
			   (int)pid, strerror(err));
	exec_respond(k, err ? err : EACCES, false);
	goto done;
gone:
done:
	k->q.argv = NULL; /* borrowed from the static buffers */
	k->q.argc = 0;
	free(o);
}

_Static_assert(TGPA_READ == POLICY_ACC_READ && TGPA_WRITE == POLICY_ACC_WRITE &&
		   TGPA_CREATE == POLICY_ACC_CREATE &&
		   TGPA_DELETE == POLICY_ACC_DELETE,
	       "open access bits on the wire are the policy's");

static void restore_creds(void)
{
	syscall(SYS_setfsuid, 0);
	syscall(SYS_setfsgid, 0);
	syscall(SYS_setgroups, (size_t)0, NULL);
}

/* Opens real (the resolved path policyd decided on) as the caller would:
 * its credentials, umask and root; no symlink may have appeared since the
 * decision (RESOLVE_NO_SYMLINKS), no magic link followed. */
/* Takes on the caller's file-system credentials (fsuid, fsgid, groups)
 * when policyd runs as root for another user: per-thread, raw system calls
 * (glibc would change every thread's), read back, never root by mistake.
 * 0 (*switched says whether creds_leave must run), or -EACCES. */
static int creds_enter(const struct call *k, bool *switched)
{
	*switched = false;
	if (geteuid() != 0 || (k->cr.fsuid == 0 && k->cr.fsgid == 0))
		return 0;
	*switched = true;
	if (syscall(SYS_setgroups, (size_t)k->cr.ngroups, k->cr.groups) < 0 ||
	    (syscall(SYS_setfsgid, k->cr.fsgid),
	     (gid_t)syscall(SYS_setfsgid, -1) != k->cr.fsgid) ||
	    (syscall(SYS_setfsuid, k->cr.fsuid),
	     (uid_t)syscall(SYS_setfsuid, -1) != k->cr.fsuid)) {
		restore_creds();
		*switched = false;
		return -EACCES;
	}
	return 0;
}

/* Where policyd resolves a caller's resolved path from: its root
 * (AT_FDCWD when it is policyd's, else a descriptor to close), with the
 * openat2 resolve flags that go with it: no symlink (one that appeared
 * since the decision fails the call), no magic link. -errno. */
static int caller_root(struct call *k, uint64_t *resolve)
{
	*resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	if (conn_same_root(&k->c))
		return AT_FDCWD;
	char rp[64];
	snprintf(rp, sizeof(rp), "/proc/%d/root", (int)k->n->pid);
	int rootfd = open(rp, O_PATH | O_CLOEXEC | O_DIRECTORY);
	if (rootfd < 0)
		return -errno;
	*resolve |= RESOLVE_IN_ROOT;
	return rootfd;
}

static int open_as_caller(struct call *k, const char *real, uint64_t flags,
			  mode_t mode)
{
	uint64_t resolve;
	int rootfd = caller_root(k, &resolve);
	if (rootfd < 0 && rootfd != AT_FDCWD)
		return rootfd;
	struct open_how how = {
	    .flags = (flags & ~(uint64_t)O_CLOEXEC) | O_NONBLOCK | O_NOCTTY |
		     O_CLOEXEC,
	    .mode = (flags & (O_CREAT | __O_TMPFILE)) ? (mode & 07777) : 0,
	    .resolve = resolve};
	bool switched;
	if (creds_enter(k, &switched) < 0) {
		if (rootfd >= 0)
			close(rootfd);
		return -EACCES;
	}
	mode_t old = umask(k->cr.umask);
	int fd = (int)syscall(SYS_openat2, rootfd, real, &how, sizeof(how));
	int e = errno;
	umask(old);
	if (switched)
		restore_creds();
	if (rootfd >= 0)
		close(rootfd);
	if (fd < 0)
		return -e;
	if (!(flags & O_NONBLOCK)) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0)
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	return fd;
}

/* Is path (dirfd) there, as the caller sees it? 0 yes, -ENOENT/-ENOTDIR
 * no, 1 cannot tell. Only in policyd's own root: an absolute symlink on
 * the way would be resolved in policyd's root, not the caller's. */
static int there_as_caller(struct call *k, int dirfd, const char *path,
			   bool follow)
{
	char lex[TG_PATH_MAX];
	if (!conn_same_root(&k->c) || !path[0] ||
	    procfs_resolve_at(k->c.pid, dirfd, path, lex, sizeof(lex)) < 0 ||
	    !strncmp(lex, "/proc/", 6))
		return 1; /* the caller's own /proc: decided as it is */
	/* as root for another user, look with that user's credentials:
	 * never tell it about names it could not see */
	if (geteuid() == 0 && !k->have_cr) {
		if (procfs_status(k->c.pid, &k->cr) < 0)
			return 1;
		k->have_cr = true;
	}
	bool switched;
	if (creds_enter(k, &switched) < 0)
		return 1;
	struct stat st;
	int r = fstatat(AT_FDCWD, lex, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW);
	int e = errno;
	if (switched)
		restore_creds();
	if (r == 0)
		return 0;
	return e == ENOENT || e == ENOTDIR ? -e : 1;
}

/* conn.noop for the kernel path: a call about to be refused that can have
 * no effect gets the kernel's own errno instead. Asked only for refusals
 * (request_decide), so allowed calls pay nothing for it. */
static int call_noop(struct conn *c)
{
	struct call *k = (struct call *)((char *)c - offsetof(struct call, c));
	if (k->q.kind != TGPK_OPEN || (!k->noop_exists && !k->noop_missing))
		return 0;
	int t = there_as_caller(k, k->noop_dirfd, k->q.path, k->noop_follow);
	if (t == 0)
		return k->noop_exists;
	return t < 0 && k->noop_missing ? -t : 0;
}

/* Decides k->q (a file call, filled in) for the kernel path. Allowed:
 * true, the call not answered yet. Otherwise the call is answered: with
 * the kernel's errno when it can have no effect, else with err and the
 * refusal line; false. */
static bool decide_or_refuse(struct call *k, const char *verb, int err,
			     struct outcome **keep)
{
	struct outcome *o = outcome_new();
	if (!o) {
		respond(k->sv->fd, k->n->id, ENOMEM, 0, false);
		return false;
	}
	decide(k, o);
	bool ok = allowed(o);
	if (!ok && o->absent) {
		respond(k->sv->fd, k->n->id, o->absent, 0, false);
	} else if (!ok) {
		say_refused((pid_t)k->n->pid, verb, o->target, o);
		respond(k->sv->fd, k->n->id, err, 0, false);
	}
	if (ok && keep)
		*keep = o;
	else
		free(o);
	return ok;
}

/* Whether a file call acts on a final symlink itself rather than on what
 * it points to (by descriptor, AT_EMPTY_PATH, the /proc link is always
 * followed: the file is the descriptor's). */
enum fs_link {
	LINK_FOLLOW,	    /* chmod, chown, truncate, ... */
	LINK_ITSELF,	    /* lchown, l*xattr, link */
	LINK_ITSELF_IF,	    /* ... with AT_SYMLINK_NOFOLLOW */
	LINK_ITSELF_UNLESS, /* linkat: unless AT_SYMLINK_FOLLOW */
};

/* Where a file call keeps its names: argument indexes of the dirfd and
 * path of each name (-1: none; dirfd -1: AT_FDCWD), of the flags that may
 * say AT_EMPTY_PATH, or of a descriptor the call acts on. */
struct fsop {
	int nr;
	signed char d1, p1, d2, p2, fl, fd;
	unsigned char acc, link;
	const char *kind; /* the audit line's */
	const char *verb; /* the refusal line's */
};
#define W POLICY_ACC_WRITE
#define C POLICY_ACC_CREATE
#define X POLICY_ACC_DELETE
#define F LINK_FOLLOW
#define I LINK_ITSELF
#define XA "xattr", "set attributes of"
#define TS "touch", "set the times of"
static const struct fsop fsops[] = {
    {SYS_rename, -1, 0, -1, 1, -1, -1, X, I, "rename", "rename"},
    {SYS_renameat, 0, 1, 2, 3, -1, -1, X, I, "rename", "rename"},
    {SYS_renameat2, 0, 1, 2, 3, -1, -1, X, I, "rename", "rename"},
    {SYS_link, -1, 0, -1, 1, -1, -1, W, I, "link", "link"},
    {SYS_linkat, 0, 1, 2, 3, 4, -1, W, LINK_ITSELF_UNLESS, "link", "link"},
    {SYS_unlink, -1, 0, -1, -1, -1, -1, X, I, "delete", "delete"},
    {SYS_rmdir, -1, 0, -1, -1, -1, -1, X, I, "delete", "delete"},
    {SYS_unlinkat, 0, 1, -1, -1, -1, -1, X, I, "delete", "delete"},
    {SYS_mkdir, -1, 0, -1, -1, -1, -1, C, I, "create", "create"},
    {SYS_mknod, -1, 0, -1, -1, -1, -1, C, I, "create", "create"},
    {SYS_mkdirat, 0, 1, -1, -1, -1, -1, C, I, "create", "create"},
    {SYS_mknodat, 0, 1, -1, -1, -1, -1, C, I, "create", "create"},
    {SYS_symlink, -1, 1, -1, -1, -1, -1, C, I, "create", "create"},
    {SYS_symlinkat, 1, 2, -1, -1, -1, -1, C, I, "create", "create"},
    {SYS_truncate, -1, 0, -1, -1, -1, -1, W, F, "truncate", "truncate"},
    /* metadata: a write of the file they change */
    {SYS_chmod, -1, 0, -1, -1, -1, -1, W, F, "chmod", "chmod"},
    {SYS_fchmodat, 0, 1, -1, -1, -1, -1, W, F, "chmod", "chmod"},
    {TG_SYS_fchmodat2, 0, 1, -1, -1, 3, -1, W, LINK_ITSELF_IF, "chmod",
     "chmod"},
    {SYS_fchmod, -1, -1, -1, -1, -1, 0, W, F, "chmod", "chmod"},
    {SYS_chown, -1, 0, -1, -1, -1, -1, W, F, "chown", "chown"},
    {SYS_lchown, -1, 0, -1, -1, -1, -1, W, I, "chown", "chown"},
    {SYS_fchownat, 0, 1, -1, -1, 4, -1, W, LINK_ITSELF_IF, "chown", "chown"},
    {SYS_fchown, -1, -1, -1, -1, -1, 0, W, F, "chown", "chown"},
    {SYS_setxattr, -1, 0, -1, -1, -1, -1, W, F, XA},
    {SYS_lsetxattr, -1, 0, -1, -1, -1, -1, W, I, XA},
    {SYS_removexattr, -1, 0, -1, -1, -1, -1, W, F, XA},
    {SYS_lremovexattr, -1, 0, -1, -1, -1, -1, W, I, XA},
    {TG_SYS_setxattrat, 0, 1, -1, -1, 2, -1, W, LINK_ITSELF_IF, XA},
    {TG_SYS_removexattrat, 0, 1, -1, -1, 2, -1, W, LINK_ITSELF_IF, XA},
    {SYS_fsetxattr, -1, -1, -1, -1, -1, 0, W, F, XA},
    {SYS_fremovexattr, -1, -1, -1, -1, -1, 0, W, F, XA},
    /* timestamps: decided as a write of the file, then done by policyd
     * on the file it decided on (meta_perform; by the kernel, continue,
     * where utimensat has no AT_EMPTY_PATH); utimensat and futimesat
     * with no path are the descriptor's file, below */
    {SYS_utimensat, 0, 1, -1, -1, 3, -1, W, LINK_ITSELF_IF, TS},
    {SYS_futimesat, 0, 1, -1, -1, -1, -1, W, F, TS},
    {SYS_utimes, -1, 0, -1, -1, -1, -1, W, F, TS},
    {SYS_utime, -1, 0, -1, -1, -1, -1, W, F, TS},
};
/* utimensat(fd, NULL, times, 0) and futimesat(fd, NULL, times): the
 * times of the descriptor's file */
static const struct fsop futimens_op = {
    SYS_utimensat, -1, -1, -1, -1, -1, 0, W, F, TS};
static const struct fsop futimes_op = {
    SYS_futimesat, -1, -1, -1, -1, -1, 0, W, F, TS};
#undef W
#undef C
#undef X
#undef F
#undef I
#undef XA
#undef TS

static const struct fsop *fsop_find(const struct seccomp_notif *n)
{
	int nr = (int)n->data.nr;
	if ((nr == SYS_utimensat || nr == SYS_futimesat) &&
	    n->data.args[1] == 0 && (int)n->data.args[0] != AT_FDCWD)
		/* (AT_FDCWD, NULL) is EFAULT */
		return nr == SYS_utimensat ? &futimens_op : &futimes_op;
	for (size_t i = 0; i < TG_ARRAY_SIZE(fsops); i++)
		if (fsops[i].nr == nr)
			return &fsops[i];
	return NULL;
}

/* A name policyd decided on (its directory resolved, its last component
 * as spelled) as a directory descriptor of policyd's and that component.
 * -ENOSYS when it has no last component to act on ("/", ".", ".."). */
static int name_at(int rootfd, uint64_t resolve, const char *real, char *base,
		   size_t basesz)
{
	const char *slash = strrchr(real, '/');
	if (!slash || !slash[1] || !strcmp(slash + 1, ".") ||
	    !strcmp(slash + 1, ".."))
		return -ENOSYS;
	if (strlen(slash + 1) >= basesz)
		return -ENAMETOOLONG;
	strcpy(base, slash + 1);
	char dir[TG_PATH_MAX];
	snprintf(dir, sizeof(dir), "%.*s",
		 slash == real ? 1 : (int)(slash - real), real);
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = resolve};
	int fd = (int)syscall(SYS_openat2, rootfd, dir, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

static bool is_xattrat_call(int nr)
{
	return nr == TG_SYS_setxattrat || nr == TG_SYS_removexattrat;
}

/* An extended-attribute call (setxattr, lsetxattr, fsetxattr, the remove
 * calls, setxattrat, removexattrat) as the caller made it, read once */
struct xattr_req {
	bool set;
	char name[256];
	void *val; /* size bytes, malloc'd; NULL when there are none */
	size_t size;
	int flags; /* XATTR_CREATE, XATTR_REPLACE */
};

/* Reads x from the caller's memory with the kernel's checks, in its order,
 * before anything about the file: for the at-calls usize and the struct
 * xattr_args (bytes past the ones it knows must be zero), the call's flags
 * lflags and the xattr flags; then, for all, the name (ERANGE when empty
 * or over 255 bytes) and the value (E2BIG over 64 KiB). 0 or -errno; x->val
 * is the caller's to free in both cases. */
static int xattr_req_read(struct call *k, int lflags, struct xattr_req *x)
{
	const __u64 *a = k->n->data.args;
	int nr = (int)k->n->data.nr;
	x->set = nr == SYS_setxattr || nr == SYS_lsetxattr ||
		 nr == SYS_fsetxattr || nr == TG_SYS_setxattrat;
	x->val = NULL;
	x->size = 0;
	x->flags = 0;
	uint64_t name_at = a[1], val_at = a[2];
	if (!is_xattrat_call(nr)) {
		if (x->set) {
			x->size = (size_t)a[3];
			x->flags = (int)a[4]; /* checked by the call itself */
		}
	} else {
		name_at = a[3];
		if (x->set) {
			size_t usize = (size_t)a[5];
			uint8_t st[PAGE];
			if (usize < 16)
				return -EINVAL;
			if (usize > PAGE)
				return -E2BIG;
			if (mem_read(k->c.pid, a[4], st, usize) < 0)
				return -EFAULT;
			for (size_t i = 16; i < usize; i++)
				if (st[i])
					return -E2BIG;
			uint32_t sz, fl;
			memcpy(&val_at, st, 8);
			memcpy(&sz, st + 8, 4);
			memcpy(&fl, st + 12, 4);
			x->size = sz;
			x->flags = (int)fl;
		}
		if (lflags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
			return -EINVAL;
		if ((unsigned)x->flags &
		    ~(unsigned)(XATTR_CREATE | XATTR_REPLACE))
			return -EINVAL;
	}
	size_t len;
	int r = mem_str(name_at, x->name, sizeof(x->name), &len);
	if (r == -ENAMETOOLONG || (r == 0 && len == 0))
		return -ERANGE;
	if (r < 0)
		return -EFAULT;
	if (!x->set || !x->size)
		return 0;
	if (x->size > 65536)
		return -E2BIG;
	if (!(x->val = malloc(x->size)))
		return -ENOMEM;
	return mem_read(k->c.pid, val_at, x->val, x->size) < 0 ? -EFAULT : 0;
}

/* Does x on the descriptor fd, or with path (not NULL) through that path:
 * the magic link of a file policyd holds, which acts on the held object
 * itself, a symlink's too. 0 or -errno. */
static int xattr_req_apply(const struct xattr_req *x, int fd, const char *path)
{
	long r =
	    path ? (x->set ? setxattr(path, x->name, x->val, x->size, x->flags)
			   : removexattr(path, x->name))
	    : x->set ? fsetxattr(fd, x->name, x->val, x->size, x->flags)
		     : fremovexattr(fd, x->name);
	return r < 0 ? -errno : 0;
}

/* The caller's credentials and umask (k->cr), read once: a root policyd
 * takes them on for every call it does for the caller (creds_enter), and
 * want asks for them anyway (the umask of a mkdir or mknod). 0, or -ESRCH:
 * the caller is gone. */
static int caller_creds(struct call *k, bool want)
{
	if (!k->have_cr && (want || geteuid() == 0)) {
		if (procfs_status(k->c.pid, &k->cr) < 0)
			return -ESRCH;
		k->have_cr = true;
	}
	return 0;
}

static int times_args(struct call *k, int nr, int lflags, struct timespec ts[2],
		      struct timespec **tp);

/* fchmod, fchown, fsetxattr, fremovexattr, futimens or futimesat(fd, NULL)
 * on policyd's copy of the caller's descriptor, as the caller. 0 or -errno;
 * -ESRCH: the caller is gone. */
static int fd_perform(struct call *k)
{
	const __u64 *a = k->n->data.args;
	if (caller_creds(k, false) < 0)
		return -ESRCH;
	int nr = (int)k->n->data.nr;
	struct xattr_req x = {.val = NULL};
	bool xa = nr == SYS_fsetxattr || nr == SYS_fremovexattr;
	int r = xa ? xattr_req_read(k, 0, &x) : 0;
	/* futimens, futimesat: the two times from the caller's memory, or
	 * none (now); utimensat's flags are the kernel's to check here */
	struct timespec ts[2], *tp = NULL;
	if (r == 0 && (nr == SYS_utimensat || nr == SYS_futimesat))
		r = times_args(k, nr, 0, ts, &tp);
	/* after the reads: what was read is the caller's, not a process
	 * that took its pid */
	if (!notif_valid(k->sv->fd, k->n->id)) {
		free(x.val);
		return -ESRCH;
	}
	bool switched = false;
	if (r == 0 && creds_enter(k, &switched) < 0)
		r = -EACCES;
	if (r == 0 && xa) {
		r = xattr_req_apply(&x, k->fsfd, NULL);
	} else if (r == 0) {
		long v = nr == SYS_fchmod ? fchmod(k->fsfd, (mode_t)a[1])
			 : nr == SYS_fchown
			     ? fchown(k->fsfd, (uid_t)a[1], (gid_t)a[2])
			     : syscall(SYS_utimensat, k->fsfd, NULL, tp,
				       nr == SYS_utimensat ? (int)a[3] : 0);
		r = v < 0 ? -errno : 0;
	}
	if (switched)
		restore_creds();
	free(x.val);
	return r;
}

static bool is_times_call(int nr)
{
	return nr == SYS_utimensat || nr == SYS_futimesat || nr == SYS_utimes ||
	       nr == SYS_utime;
}

/* Can policyd set a held file's times (utimensat with AT_EMPTY_PATH on an
 * O_PATH descriptor, Linux 5.8)? Asked once: an fd of -1 with an empty
 * path is EBADF where the flag is known, EINVAL where it is not. Where it
 * cannot, timestamps by path are decided and left to the kernel. */
static bool times_by_descriptor(void)
{
	static int ok = -1;
	if (ok < 0) {
		errno = 0;
		ok = utimensat(-1, "", NULL, AT_EMPTY_PATH) < 0 &&
		     errno == EBADF;
	}
	return ok == 1;
}

/* The times a utimensat/futimesat/utimes/utime call asks for, as
 * utimensat takes them (*tp NULL: now), read once from the caller's
 * memory and checked as the kernel checks them, in its order (utimensat's
 * flags lflags, a bad pointer, then bad times, come before anything about
 * the file). 0 or -errno. */
static int times_args(struct call *k, int nr, int lflags, struct timespec ts[2],
		      struct timespec **tp)
{
	const __u64 *a = k->n->data.args;
	uint64_t at = nr == SYS_utimensat || nr == SYS_futimesat ? a[2] : a[1];
	*tp = NULL;
	if (nr == SYS_utimensat &&
	    (lflags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)))
		return -EINVAL;
	if (!at)
		return 0;
	if (nr == SYS_utimensat) {
		/* (the nanoseconds are checked after the file is found: by
		 * utimensat on it, below) */
		if (page_copy(at, ts, 2 * sizeof(ts[0])) < 0)
			return -EFAULT;
	} else if (nr == SYS_utime) {
		int64_t u[2]; /* struct utimbuf: actime, modtime */
		if (page_copy(at, u, sizeof(u)) < 0)
			return -EFAULT;
		for (int i = 0; i < 2; i++)
			ts[i] = (struct timespec){.tv_sec = u[i]};
	} else {
		struct timeval tv[2];
		if (page_copy(at, tv, sizeof(tv)) < 0)
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			ts[i] =
			    (struct timespec){.tv_sec = tv[i].tv_sec,
					      .tv_nsec = tv[i].tv_usec * 1000};
		}
	}
	*tp = ts;
	return 0;
}

/* Calls on a descriptor's file spelled (fd, "", AT_EMPTY_PATH): linkat,
 * fchownat, fchmodat2, utimensat. They are done on policyd's copy of the
 * descriptor (k->fsfd, taken before the decision), so that another thread
 * re-pointing the number with dup2 after the decision changes nothing: the
 * kernel, left to it, would look the number up again. linkat links the copy
 * through /proc/self/fd with AT_SYMLINK_FOLLOW, what the caller itself may
 * always do (AT_EMPTY_PATH would need the caller's own credentials object
 * or CAP_DAC_READ_SEARCH, which policyd has and the caller may not), into
 * the destination decided on. o is NULL for a descriptor in no file system
 * (not linkat: the kernel's answer to that is EXDEV). 0 or -errno. */
static int empty_path_perform(struct call *k, const struct outcome *o,
			      int lflags)
{
	const __u64 *a = k->n->data.args;
	int nr = (int)k->n->data.nr;
	struct timespec ts[2], *tp = NULL;
	struct xattr_req x = {.val = NULL};
	int tr = nr == SYS_utimensat   ? times_args(k, nr, lflags, ts, &tp)
		 : is_xattrat_call(nr) ? xattr_req_read(k, lflags, &x)
				       : 0;
	if (tr == 0 && caller_creds(k, false) < 0)
		tr = -ESRCH;
	if (tr < 0) {
		free(x.val);
		return tr;
	}
	int d2 = -1;
	char b2[TG_PATH_MAX];
	if (nr == SYS_linkat) {
		uint64_t resolve;
		int rootfd = caller_root(k, &resolve);
		if (rootfd < 0 && rootfd != AT_FDCWD)
			return rootfd;
		d2 = o && o->object2[0]
			 ? name_at(rootfd, resolve, o->object2, b2, sizeof(b2))
			 : -ENOENT;
		if (rootfd >= 0)
			close(rootfd);
		if (d2 < 0)
			return d2;
	}
	int r = 0;
	bool switched = false;
	char pp[64];
	snprintf(pp, sizeof(pp), "/proc/self/fd/%d", k->fsfd);
	if (!notif_valid(k->sv->fd, k->n->id))
		r = -ESRCH; /* the caller died: it did not make the call */
	else if (creds_enter(k, &switched) < 0)
		r = -EACCES;
	if (r == 0 && is_xattrat_call(nr)) {
		/* on the caller's cwd through the magic link of the held
		 * directory; on a descriptor, the copy is used as the kernel
		 * uses the caller's (an O_PATH one is EBADF for both) */
		r = xattr_req_apply(&x, k->fsfd, k->fsfd_cwd ? pp : NULL);
	} else if (r == 0) {
		long v = nr == SYS_linkat
			     ? linkat(AT_FDCWD, pp, d2, b2, AT_SYMLINK_FOLLOW)
			 : nr == SYS_fchownat
			     ? fchownat(k->fsfd, "", (uid_t)a[2], (gid_t)a[3],
					(int)a[4])
			 : nr == TG_SYS_fchmodat2
			     ? syscall(TG_SYS_fchmodat2, k->fsfd, "",
				       (mode_t)a[2], (int)a[3])
			     : utimensat(k->fsfd, "", tp, lflags);
		r = v < 0 ? -errno : 0;
	}
	if (switched)
		restore_creds();
	free(x.val);
	if (d2 >= 0)
		close(d2);
	return r;
}

/* truncate, chmod, chown, xattrs and times of the file named b in
 * directory d (policyd's credentials already the caller's): the file is
 * held with an O_PATH descriptor, so the call changes the file that was
 * decided on. A call that follows a final symlink finds none (policyd
 * resolved it); if one appeared since, ELOOP. 0 or -errno. */
static int meta_perform(struct call *k, int d, const char *b, int lflags)
{
	const __u64 *a = k->n->data.args;
	int nr = (int)k->n->data.nr;
	bool itself = nr == SYS_lchown || nr == SYS_lsetxattr ||
		      nr == SYS_lremovexattr ||
		      ((nr == SYS_fchownat || nr == TG_SYS_fchmodat2 ||
			nr == SYS_utimensat || is_xattrat_call(nr)) &&
		       (lflags & AT_SYMLINK_NOFOLLOW));
	/* times: what the kernel checks before it looks at the file */
	struct timespec ts[2], *tp = NULL;
	if (is_times_call(nr)) {
		int tr = times_args(k, nr, lflags, ts, &tp);
		if (tr < 0)
			return tr;
		if (!notif_valid(k->sv->fd, k->n->id))
			return -ESRCH;
	}
	int pf = openat(d, b, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pf < 0)
		return -errno;
	struct stat st;
	int r = fstat(pf, &st) < 0 ? -errno : 0;
	if (r == 0 && S_ISLNK(st.st_mode) && !itself)
		r = -ELOOP;
	char pp[64];
	snprintf(pp, sizeof(pp), "/proc/self/fd/%d", pf);
	if (r == 0 && nr == SYS_truncate) {
		if (S_ISDIR(st.st_mode))
			r = -EISDIR;
		else if (!S_ISREG(st.st_mode))
			r = -EINVAL;
		int wfd = r ? -1 : open(pp, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (r == 0 && wfd < 0)
			r = -errno;
		if (wfd >= 0) {
			if (ftruncate(wfd, (off_t)a[1]) < 0)
				r = -errno;
			close(wfd);
		}
	} else if (r == 0 && (nr == SYS_chmod || nr == SYS_fchmodat ||
			      nr == TG_SYS_fchmodat2)) {
		mode_t mode = (mode_t)(nr == SYS_chmod ? a[1] : a[2]);
		if (S_ISLNK(st.st_mode))
			r = -EOPNOTSUPP; /* a symlink's mode cannot change */
		else if (fchmodat(AT_FDCWD, pp, mode, 0) < 0)
			r = -errno;
	} else if (r == 0 && (nr == SYS_setxattr || nr == SYS_removexattr ||
			      nr == SYS_lsetxattr || nr == SYS_lremovexattr ||
			      is_xattrat_call(nr))) {
		/* through the descriptor's /proc link: the held file (for
		 * lsetxattr, lremovexattr and the at-calls with
		 * AT_SYMLINK_NOFOLLOW a symlink itself) */
		struct xattr_req x = {.val = NULL};
		r = xattr_req_read(k, lflags, &x);
		/* after the reads: what was read is the caller's */
		if (r == 0 && !notif_valid(k->sv->fd, k->n->id))
			r = -ESRCH;
		if (r == 0)
			r = xattr_req_apply(&x, -1, pp);
		free(x.val);
	} else if (r == 0 && is_times_call(nr)) {
		/* on the held file itself (a symlink too, for
		 * AT_SYMLINK_NOFOLLOW): nothing is looked up again */
		if (utimensat(pf, "", tp, AT_EMPTY_PATH) < 0)
			r = -errno;
	} else if (r == 0) {
		uid_t u = (uid_t)(nr == SYS_fchownat ? a[2] : a[1]);
		gid_t g = (gid_t)(nr == SYS_fchownat ? a[3] : a[2]);
		if (fchownat(pf, "", u, g, AT_EMPTY_PATH) < 0)
			r = -errno;
	}
	close(pf);
	return r;
}

/* Makes or removes the names of an allowed file call as the caller would
 * (its credentials, umask and root), on exactly the directories policyd
 * decided on: a symlink swapped in since, or a path string another thread
 * rewrote since, changes nothing. 0 or -errno (the call's result), -ENOSYS
 * (not done here: the kernel performs it, "continue"), -ESRCH (the caller
 * is gone: no answer). */
static int fsop_perform(struct call *k, const struct outcome *o, int lflags)
{
	const __u64 *a = k->n->data.args;
	int nr = (int)k->n->data.nr;
	if (k->fsfd >= 0 && (lflags & AT_EMPTY_PATH))
		return empty_path_perform(k, o, lflags);
	if (k->fsfd >= 0) {
		/* fchmod/fchown: the name decided on must still be this
		 * descriptor's file */
		struct stat fs, ps;
		char view[TG_PATH_MAX + 32];
		conn_view(&k->c, o->object, view, sizeof(view));
		if (fstat(k->fsfd, &fs) < 0)
			return -EACCES;
		/* a file with no name left (unlinked, still open) is no
		 * file any rule can be about */
		if (fs.st_nlink == 0)
			return fd_perform(k);
		if (stat(view, &ps) < 0 || fs.st_dev != ps.st_dev ||
		    fs.st_ino != ps.st_ino) {
			daemon_log("pid %d: %s of a descriptor refused: its "
				   "file is no longer %s",
				   (int)k->c.pid, o->kind, o->object);
			return -EACCES;
		}
		return fd_perform(k);
	}
	bool two = nr == SYS_rename || nr == SYS_renameat ||
		   nr == SYS_renameat2 || nr == SYS_link || nr == SYS_linkat;
	bool one = nr == SYS_unlink || nr == SYS_unlinkat || nr == SYS_rmdir ||
		   nr == SYS_mkdir || nr == SYS_mkdirat || nr == SYS_symlink ||
		   nr == SYS_symlinkat || nr == SYS_mknod || nr == SYS_mknodat;
	/* calls that change a file: done on the file policyd decided on,
	 * held by an O_PATH descriptor */
	bool meta =
	    nr == SYS_truncate || nr == SYS_chmod || nr == SYS_fchmodat ||
	    nr == TG_SYS_fchmodat2 || nr == SYS_chown || nr == SYS_lchown ||
	    nr == SYS_fchownat || nr == SYS_setxattr || nr == SYS_removexattr ||
	    nr == SYS_lsetxattr || nr == SYS_lremovexattr ||
	    is_xattrat_call(nr) || (is_times_call(nr) && times_by_descriptor());
	one |= meta;
	/* AT_EMPTY_PATH with a name: the kernel goes by the name, and so
	 * does this (an empty name was the held descriptor's, above) */
	if ((!one && !two) || !o->object[0] || (two && !o->object2[0]) ||
	    !strncmp(o->object, "/proc/", 6) ||
	    (two && !strncmp(o->object2, "/proc/", 6)))
		return -ENOSYS;
	/* what a symlink will say: data, read once, used as read */
	char target[TGP_MAX_PATH + 1];
	size_t tl;
	if ((nr == SYS_symlink || nr == SYS_symlinkat) &&
	    mem_str(a[0], target, sizeof(target), &tl) < 0)
		return -EFAULT;
	/* the caller's credentials (root policyd) and umask (mkdir, mknod) */
	bool mkmode = nr == SYS_mkdir || nr == SYS_mkdirat || nr == SYS_mknod ||
		      nr == SYS_mknodat;
	if (caller_creds(k, mkmode) < 0)
		return -ESRCH;
	uint64_t resolve;
	int rootfd = caller_root(k, &resolve);
	if (rootfd < 0 && rootfd != AT_FDCWD)
		return rootfd;
	char b1[TG_PATH_MAX], b2[TG_PATH_MAX];
	int d1 = name_at(rootfd, resolve, o->object, b1, sizeof(b1));
	int d2 = -EBADF;
	if (d1 >= 0 && two)
		d2 = name_at(rootfd, resolve, o->object2, b2, sizeof(b2));
	if (rootfd >= 0)
		close(rootfd);
	int r = d1 < 0 ? d1 : (two && d2 < 0) ? d2 : 0;
	bool switched = false;
	if (r == 0 && !notif_valid(k->sv->fd, k->n->id))
		r = -ESRCH; /* the caller died: it did not make the call */
	if (r == 0 && creds_enter(k, &switched) < 0)
		r = -EACCES;
	if (r == 0 && meta) {
		r = meta_perform(k, d1, b1, lflags);
		if (switched)
			restore_creds();
	} else if (r == 0) {
		mode_t old = umask(k->have_cr ? k->cr.umask : 022);
		long x;
		switch (nr) {
		case SYS_rename:
		case SYS_renameat:
			x = renameat(d1, b1, d2, b2);
			break;
		case SYS_renameat2:
			x = syscall(SYS_renameat2, d1, b1, d2, b2,
				    (unsigned)a[4]);
			break;
		case SYS_link:
		case SYS_linkat:
			/* a followed symlink was resolved: real is the file */
			x = linkat(d1, b1, d2, b2, 0);
			break;
		case SYS_unlink:
			x = unlinkat(d1, b1, 0);
			break;
		case SYS_rmdir:
			x = unlinkat(d1, b1, AT_REMOVEDIR);
			break;
		case SYS_unlinkat:
			x = unlinkat(d1, b1, (int)a[2]);
			break;
		case SYS_mkdir:
			x = mkdirat(d1, b1, (mode_t)a[1]);
			break;
		case SYS_mkdirat:
			x = mkdirat(d1, b1, (mode_t)a[2]);
			break;
		case SYS_symlink:
		case SYS_symlinkat:
			x = symlinkat(target, d1, b1);
			break;
		case SYS_mknod:
			x = mknodat(d1, b1, (mode_t)a[1], (dev_t)a[2]);
			break;
		default: /* SYS_mknodat */
			x = mknodat(d1, b1, (mode_t)a[2], (dev_t)a[3]);
			break;
		}
		r = x < 0 ? -errno : 0;
		umask(old);
		if (switched)
			restore_creds();
	}
	if (d1 >= 0)
		close(d1);
	if (d2 >= 0)
		close(d2);
	return r;
}

/*
 * rename, link, unlink, rmdir, mkdir, symlink, mknod, truncate and the
 * metadata calls: decided like the interposer's file calls (one or two
 * paths, request.c). Calls that make or remove names are then performed by
 * policyd itself on the directories it decided on (fsop_perform); the
 * others get "continue": the kernel performs the call and walks the path
 * again (the residual race is in docs/threat-model.md). Calls that can
 * only fail fail as the kernel would fail them, undecided (as in the
 * interposer).
 */
/* What a descriptor's /proc link names: 1, with its path in to, for a
 * file in a file system; 0 for an object in none (a pipe, a socket, a
 * memfd, an anonymous inode: no policy is about them); when the link
 * cannot be read, the errno the call is refused with, negated (-EBADF: no
 * such descriptor; -EACCES: not looked at, not let through). */
static int descriptor_name(const char *link, char *to, size_t cap)
{
	ssize_t l = readlink(link, to, cap - 1);
	if (l < 0) {
		to[0] = '\0';
		return errno == ENOENT ? -EBADF : -EACCES;
	}
	to[l] = '\0';
	return to[0] == '/' && strncmp(to, "/memfd:", 7) != 0;
}

static void handle_fsop(struct call *k, const struct fsop *f)
{
	const struct seccomp_notif *n = k->n;
	const __u64 *a = n->data.args;
	pid_t pid = (pid_t)n->pid;
	int d1 = f->d1 >= 0 ? (int)a[f->d1] : AT_FDCWD;
	int d2 = f->d2 >= 0 ? (int)a[f->d2] : AT_FDCWD;
	int lflags = f->fl >= 0 ? (int)a[f->fl] : 0;
	uint64_t p1 = f->p1 >= 0 ? a[f->p1] : 0;
	uint64_t p2 = f->p2 >= 0 ? a[f->p2] : 0;
	unsigned acc = f->acc, acc2 = 0;
	if (n->data.nr == SYS_renameat2 && ((unsigned)a[4] & RENAME_EXCHANGE))
		/* both names lose their file and get the other */
		acc = acc2 = POLICY_ACC_DELETE | POLICY_ACC_CREATE;
	size_t len = 0;
	pages_reset(pid);
	int r = 0;
	if (f->fd >= 0) {
		/* by descriptor: the file it is open on; a pipe, a socket,
		 * a memfd or an anonymous inode is in no file system. A
		 * descriptor that cannot be looked at is not let through */
		int fd = (int)a[f->fd];
		char what[64], to[TG_PATH_MAX];
		/* every call by descriptor (fchmod, fchown, the xattr calls,
		 * futimens) is done by policyd on its own copy of the
		 * descriptor (pidfd_getfd): another thread re-pointing the
		 * number (dup2) after the decision changes nothing */
		if ((k->fsfd = caller_fd(pid, fd)) < 0) {
			respond(k->sv->fd, n->id,
				k->fsfd == -EBADF ? EBADF : EACCES, 0, false);
			return;
		}
		snprintf(what, sizeof(what), "/proc/self/fd/%d", k->fsfd);
		int dn = descriptor_name(what, to, sizeof(to));
		if (dn < 0) {
			respond(k->sv->fd, n->id, -dn, 0, false);
			return;
		}
		if (dn == 0) {
			/* in no file system: no policy to apply */
			performed(k, fd_perform(k));
			return;
		}
		/* decided on the file's name, done on the descriptor
		 * (fsop_perform checks they are one file) */
		len = tg_strlcpy(k->q.path, sizeof(k->q.path), to);
	} else if (!p1 && (lflags & AT_EMPTY_PATH) &&
		   is_xattrat_call((int)n->data.nr)) {
		k->q.path[0] = '\0'; /* no name at all: the descriptor's */
	} else {
		r = mem_str(p1, k->q.path, sizeof(k->q.path), &len);
	}
	int nr = (int)n->data.nr;
	/* lflags is set only for the calls whose flags may say AT_EMPTY_PATH
	 * (f->fl: linkat, fchownat, fchmodat2, utimensat, setxattrat,
	 * removexattrat) */
	bool held_empty = r == 0 && len == 0 && (lflags & AT_EMPTY_PATH);
	bool by_name = false; /* the same, left to the kernel */
	if (held_empty && d1 == AT_FDCWD && is_xattrat_call(nr)) {
		/* the caller's cwd: setxattrat sets it, removexattrat
		 * says EBADF (as the kernel does). policyd holds the cwd
		 * as it is now; a chdir by another thread changes nothing */
		char cwd[64];
		snprintf(cwd, sizeof(cwd), "/proc/%d/cwd", (int)pid);
		k->fsfd = nr == TG_SYS_removexattrat
			      ? -EBADF
			      : open(cwd, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (k->fsfd < 0) {
			respond(k->sv->fd, n->id,
				nr == TG_SYS_removexattrat ? EBADF : EACCES, 0,
				false);
			k->fsfd = -1;
			return;
		}
		k->fsfd_cwd = true;
	} else if (held_empty &&
		   (k->fsfd = test_no_getfd() ? -EPERM : caller_fd(pid, d1)) <
		       0) {
		int e = k->fsfd;
		struct proc_status ps;
		k->fsfd = -1;
		if (e == -EBADF) {
			respond(k->sv->fd, n->id, EBADF, 0, false);
			return;
		}
		/* policyd may not take the caller's descriptors (Yama's
		 * ptrace_scope, a user-mode policyd that is not the caller's
		 * ancestor): a single-threaded caller's descriptor cannot be
		 * re-pointed by anyone else (the filter refuses CLONE_FILES
		 * outside threads), so the kernel may look it up again;
		 * anyone else's call is decided (an allow becomes a refusal,
		 * rule descriptor_race, with its line and audit) */
		k->q.unheld_fd =
		    procfs_status_brief(pid, &ps) < 0 || ps.threads != 1;
		held_empty = false;
		by_name = true;
	}
	if (held_empty || by_name) {
		/* (fd, "", AT_EMPTY_PATH): the file is the caller's
		 * descriptor, decided on by its name (an O_TMPFILE's or a
		 * deleted file's is "DIR/#N (deleted)": decided as a name in
		 * DIR). policyd has taken its own copy and acts on it
		 * (empty_path_perform), or the kernel does (by_name) */
		char what[64], to[TG_PATH_MAX];
		if (held_empty)
			snprintf(what, sizeof(what), "/proc/self/fd/%d",
				 k->fsfd);
		else
			snprintf(what, sizeof(what), "/proc/%d/fd/%d", (int)pid,
				 d1);
		int dn = descriptor_name(what, to, sizeof(to));
		if (dn < 0) {
			respond(k->sv->fd, n->id, -dn, 0, false);
			return;
		}
		if (dn == 0 && by_name && !k->q.unheld_fd) {
			/* in no file system, and nobody else can re-point
			 * the number: no policy to apply */
			respond(k->sv->fd, n->id, 0, 0, true);
			return;
		}
		if (dn == 0 && !by_name) {
			/* in no file system: no policy to apply, and no name
			 * to link from (the kernel says EXDEV) */
			int e = !notif_valid(k->sv->fd, n->id) ? -ESRCH
				: nr == SYS_linkat
				    ? -EXDEV
				    : empty_path_perform(k, NULL, lflags);
			if (e != -ESRCH)
				performed(k, e);
			return;
		}
		tg_strlcpy(k->q.path, sizeof(k->q.path), to);
		d1 = AT_FDCWD;
	} else if (r == 0 && len == 0) {
		r = -ENOENT;
	}
	if (r == 0 && p2) {
		r = mem_str(p2, k->q.path2, sizeof(k->q.path2), &len);
		if (r == 0 && len == 0)
			r = -ENOENT;
	}
	if (r < 0) {
		respond(k->sv->fd, n->id,
			r == -ENAMETOOLONG ? ENAMETOOLONG
			: r == -ENOENT	   ? ENOENT
					   : EFAULT,
			0, false);
		return;
	}
	if (!notif_valid(k->sv->fd, n->id))
		return;
	k->q.kind = TGPK_OPEN;
	k->q.has_path = true;
	k->q.dirfd = d1;
	k->q.access = acc;
	k->q.has_path2 = p2 != 0;
	k->q.dirfd2 = d2;
	k->q.access2 = acc2;
	k->q.label = f->kind;
	/* a held descriptor's file is itself, never what it may point to
	 * (an O_PATH descriptor can be a symlink's); a path through the
	 * caller's /proc/self/fd is followed */
	k->q.nofollow =
	    held_empty || by_name || f->link == LINK_ITSELF ||
	    (f->link == LINK_ITSELF_IF && (lflags & AT_SYMLINK_NOFOLLOW)) ||
	    (f->link == LINK_ITSELF_UNLESS && !(lflags & AT_SYMLINK_FOLLOW));
	/* calls that can only fail: making a name that exists, or removing,
	 * renaming, linking or changing one that does not */
	k->noop_dirfd = d1;
	k->noop_follow = false;
	k->noop_exists = acc == POLICY_ACC_CREATE ? EEXIST : 0;
	/* a descriptor's file is there, whatever its name says */
	k->noop_missing = acc != POLICY_ACC_CREATE && k->fsfd < 0 && !by_name;
	struct outcome *o = NULL;
	if (!decide_or_refuse(k, f->verb, EACCES, &o))
		return;
	/* the names policyd decided on, made or removed by policyd itself;
	 * the rest (metadata, truncate, /proc) by the kernel */
	int e = by_name ? -ENOSYS : fsop_perform(k, o, lflags);
	free(o);
	if (e == -ENOSYS)
		respond(k->sv->fd, n->id, 0, 0, true);
	else if (e != -ESRCH)
		performed(k, e);
}

static void handle_open(struct call *k)
{
	const struct seccomp_notif *n = k->n;
	pid_t pid = (pid_t)n->pid;
	const __u64 *a = n->data.args;
	uint64_t path_at, flags;
	mode_t mode;
	int dirfd = AT_FDCWD;
	int nr = n->data.nr;
	/* open flags are an int: the register's upper half is not the
	 * caller's (the kernel ignores it too) */
	if (nr == SYS_open) {
		path_at = a[0];
		flags = (unsigned int)a[1];
		mode = (mode_t)a[2];
	} else if (nr == SYS_creat) {
		path_at = a[0];
		flags = O_CREAT | O_WRONLY | O_TRUNC;
		mode = (mode_t)a[1];
	} else { /* openat (openat2 answers ENOSYS in the filter) */
		dirfd = (int)a[0];
		path_at = a[1];
		flags = (unsigned int)a[2];
		mode = (mode_t)a[3];
	}
	unsigned access = tgp_open_access(flags);
	if (!(access & (POLICY_ACC_WRITE | POLICY_ACC_CREATE))) {
		respond(k->sv->fd, n->id, 0, 0, true);
		return;
	}
	size_t len;
	pages_reset(pid);
	int r = mem_str(path_at, k->q.path, sizeof(k->q.path), &len);
	if (r < 0) {
		respond(k->sv->fd, n->id,
			r == -ENAMETOOLONG ? ENAMETOOLONG : EFAULT, 0, false);
		return;
	}
	if (len == 0) {
		respond(k->sv->fd, n->id, ENOENT, 0, false);
		return;
	}
	if (!notif_valid(k->sv->fd, n->id))
		return;
	/* opens that can only fail: O_CREAT|O_EXCL of a name that exists,
	 * or no O_CREAT and nothing there (call_noop, on refusal only) */
	bool excl = (flags & O_CREAT) && (flags & O_EXCL);
	k->noop_dirfd = dirfd;
	k->noop_follow = !excl;
	k->noop_exists = excl ? EEXIST : 0;
	k->noop_missing = !(flags & O_CREAT);
	k->q.kind = TGPK_OPEN;
	k->q.has_path = true;
	k->q.dirfd = dirfd;
	k->q.access = access & POLICY_ACC_ALL;
	struct outcome *o = outcome_new();
	if (!o) {
		respond(k->sv->fd, n->id, ENOMEM, 0, false);
		return;
	}
	decide(k, o);
	const char *real = allowed(o) ? o->object : NULL;
	if (!real && o->absent) {
		respond(k->sv->fd, n->id, o->absent, 0, false);
		free(o);
		return;
	}
	if (!real || !real[0]) {
		char kind[16];
		snprintf(kind, sizeof(kind), "%s",
			 access & POLICY_ACC_WRITE ? "write" : "create");
		say_refused(pid, kind, o->target, o);
		respond(k->sv->fd, n->id, EACCES, 0, false);
		free(o);
		return;
	}
	if (real[0] != '/' || !strncmp(real, "/proc/", 6)) {
		/* the caller's own descriptor reopened (a pipe, a socket),
		 * or a procfs file: the kernel opens it as the caller */
		respond(k->sv->fd, n->id, 0, 0, true);
		free(o);
		return;
	}
	int fd = open_as_caller(k, real, flags, mode);
	if (fd == -ENXIO) {
		/* a FIFO without a reader, or /dev/tty (the caller's
		 * terminal, not policyd's): only the caller can open it */
		respond(k->sv->fd, n->id, 0, 0, true);
	} else if (fd == -ELOOP || fd == -EXDEV) {
		/* a symlink appeared where policyd saw none */
		snprintf(o->msg, sizeof(o->msg),
			 "the path changed while it was being checked");
		o->d.rule_id = "raced";
		say_refused(pid, "write", o->target, o);
		respond(k->sv->fd, n->id, EACCES, 0, false);
	} else if (fd < 0) {
		respond(k->sv->fd, n->id, -fd, 0, false);
	} else {
		/* not ADDFD_FLAG_SEND: with it the kernel marks the call
		 * answered before the caller has taken the descriptor, and a
		 * policyd killed (or interrupted by any signal) in that window
		 * makes the caller's open return 0 with no descriptor put in
		 * (seen here: a shell's `>> file` then wrote to its stdin).
		 * The descriptor goes in first, is noted in the in-flight
		 * slot, and the answer follows. */
		struct seccomp_notif_addfd af = {
		    .id = n->id,
		    .flags = 0,
		    .srcfd = (uint32_t)fd,
		    .newfd = 0,
		    .newfd_flags = (flags & O_CLOEXEC) ? O_CLOEXEC : 0};
		struct stat st;
		int got = fstat(fd, &st) == 0
			      ? ioctl(k->sv->fd, SECCOMP_IOCTL_NOTIF_ADDFD, &af)
			      : -1;
		if (got >= 0) {
			slot_note(k->ifl, TGP_IFL_FD, got, &st);
			test_die_point(k->rehandled);
			if (respond(k->sv->fd, n->id, 0, got, false) == 0)
				k->c.s->n_injected++;
		} else if (errno != ENOENT) {
			respond(k->sv->fd, n->id,
				errno == EMFILE ? EMFILE : EACCES, 0, false);
		}
		close(fd);
	}
	free(o);
}

/* Address families decided by the policy; the rest are refused except the
 * local ones (Unix, netlink) and AF_UNSPEC (disconnect). */
/* Returns 1 when the call waits for a host lookup (parked). */
/* The file-system name of a Unix socket address, as the file request of
 * a kernel-path call (access acc, audit kind label). false: the address
 * has none (unnamed, abstract). */
static bool unix_name(struct call *k, const struct sockaddr_storage *ss,
		      size_t l, unsigned acc, const char *label)
{
	const struct sockaddr_un *su = (const struct sockaddr_un *)ss;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	if (l <= off || su->sun_path[0] == '\0')
		return false;
	size_t max =
	    l - off < sizeof(su->sun_path) ? l - off : sizeof(su->sun_path);
	memset(&k->q, 0, sizeof(k->q));
	memcpy(k->q.path, su->sun_path, strnlen(su->sun_path, max));
	k->q.kind = TGPK_OPEN;
	k->q.has_path = true;
	k->q.dirfd = AT_FDCWD;
	k->q.access = acc;
	k->q.label = label;
	k->noop_dirfd = AT_FDCWD;
	return true;
}

/*
 * A Unix socket with a name in the file system is reached like a file
 * opened for writing (the kernel asks for write permission on it), so the
 * policy's write rules say which ones a session may talk to: a container
 * engine's, systemd's or a bus's socket is a way out of the session.
 * policyd's own agent socket is always reachable (the interposer talks to
 * it); abstract names have no file (the Landlock domain keeps the session
 * away from those made outside it). 0: go on; 1: answered.
 */
static int unix_decide(struct call *k, const struct sockaddr_storage *ss,
		       size_t l)
{
	if (!unix_name(k, ss, l, POLICY_ACC_WRITE, "connect"))
		return 0; /* unnamed or abstract */
	if (!notif_valid(k->sv->fd, k->n->id))
		return 1;
	char lex[TG_PATH_MAX], view[TG_PATH_MAX + 32];
	struct stat st;
	if (procfs_resolve_at(k->c.pid, AT_FDCWD, k->q.path, lex,
			      sizeof(lex)) == 0) {
		conn_view(&k->c, lex, view, sizeof(view));
		if (stat(view, &st) == 0 && st.st_dev == D.agent_dev &&
		    st.st_ino == D.agent_ino)
			return 0; /* policyd's agent socket */
	}
	/* no such socket: what connect says (on refusal, call_noop) */
	k->noop_missing = true;
	k->noop_follow = true;
	return decide_or_refuse(k, "connect", EPERM, NULL) ? 0 : 1;
}

/* bind of a named Unix socket makes a file: decided as a create of it.
 * Other families and abstract names continue; an address policyd cannot
 * read is not let through (the kernel would read it again). */
static void handle_bind(struct call *k)
{
	const struct seccomp_notif *n = k->n;
	const __u64 *a = n->data.args;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	size_t l = (uint32_t)a[2] < sizeof(ss) ? (uint32_t)a[2] : sizeof(ss);
	if (l >= sizeof(sa_family_t) &&
	    mem_read((pid_t)n->pid, a[1], &ss, l) < 0) {
		respond(k->sv->fd, n->id, EFAULT, 0, false);
		return;
	}
	if (ss.ss_family != AF_UNIX ||
	    !unix_name(k, &ss, l, POLICY_ACC_CREATE, "bind")) {
		respond(k->sv->fd, n->id, 0, 0, true);
		return;
	}
	if (!notif_valid(k->sv->fd, n->id))
		return;
	k->noop_exists = EADDRINUSE; /* on refusal, call_noop */
	if (decide_or_refuse(k, "bind", EACCES, NULL))
		respond(k->sv->fd, n->id, 0, 0, true);
}

static int handle_net(struct call *k)
{
	const struct seccomp_notif *n = k->n;
	pid_t pid = (pid_t)n->pid;
	const __u64 *a = n->data.args;
	int nr = n->data.nr;
	int sock = (int)a[0];
	uint64_t addrs_at[64];
	uint32_t lens[64];
	size_t nad = 0;
	if (nr == SYS_connect) {
		addrs_at[nad] = a[1];
		lens[nad++] = (uint32_t)a[2];
	} else if (nr == SYS_sendto) {
		addrs_at[nad] = a[4];
		lens[nad++] = (uint32_t)a[5];
	} else if (nr == SYS_sendmsg) {
		struct msghdr m;
		if (mem_read(pid, a[1], &m, sizeof(m)) < 0) {
			respond(k->sv->fd, n->id, EFAULT, 0, false);
			return 0;
		}
		if (m.msg_name && m.msg_namelen) {
			addrs_at[nad] = (uint64_t)(uintptr_t)m.msg_name;
			lens[nad++] = m.msg_namelen;
		}
	} else { /* sendmmsg: the kernel sends at most UIO_MAXIOV */
		size_t vlen = (size_t)(uint32_t)a[2];
		if (vlen > 64)
			vlen = 64; /* the rest: refused below */
		struct mmsghdr mm[64];
		if (vlen && mem_read(pid, a[1], mm, vlen * sizeof(mm[0])) < 0) {
			respond(k->sv->fd, n->id, EFAULT, 0, false);
			return 0;
		}
		if ((uint32_t)a[2] > 64) {
			respond(k->sv->fd, n->id, EMSGSIZE, 0, false);
			return 0;
		}
		for (size_t i = 0; i < vlen; i++)
			if (mm[i].msg_hdr.msg_name &&
			    mm[i].msg_hdr.msg_namelen) {
				addrs_at[nad] =
				    (uint64_t)(uintptr_t)mm[i].msg_hdr.msg_name;
				lens[nad++] = mm[i].msg_hdr.msg_namelen;
			}
	}
	int proto = POLICY_PROTO_ANY;
	bool proto_known = false;
	for (size_t i = 0; i < nad; i++) {
		struct sockaddr_storage ss;
		memset(&ss, 0, sizeof(ss));
		size_t l = lens[i] < sizeof(ss) ? lens[i] : sizeof(ss);
		if (l < sizeof(sa_family_t) ||
		    mem_read(pid, addrs_at[i], &ss, l) < 0) {
			respond(k->sv->fd, n->id, l ? EFAULT : EINVAL, 0,
				false);
			return 0;
		}
		int fam = ss.ss_family;
		if (fam == AF_UNIX) {
			if (unix_decide(k, &ss, l))
				return 0; /* answered */
			continue;
		}
		if (fam == AF_NETLINK || fam == AF_UNSPEC)
			continue;
		uint8_t a16[16] = {0};
		uint16_t port;
		if (fam == AF_INET && l >= sizeof(struct sockaddr_in)) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
			a16[10] = a16[11] = 0xff;
			memcpy(a16 + 12, &s4->sin_addr, 4);
			port = ntohs(s4->sin_port);
		} else if (fam == AF_INET6 && l >= 24) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
			memcpy(a16, &s6->sin6_addr, 16);
			port = ntohs(s6->sin6_port);
		} else if (fam == AF_INET || fam == AF_INET6) {
			continue; /* too short: the kernel says EINVAL */
		} else {
			struct outcome o;
			memset(&o, 0, sizeof(o));
			o.kind = "connect";
			o.d.action = POLICY_DENY;
			o.d.rule = -1;
			o.d.rule_id = "address-family";
			o.decision = "refused";
			snprintf(o.target, sizeof(o.target),
				 "address family %d", fam);
			snprintf(o.msg, sizeof(o.msg),
				 "only IPv4, IPv6, Unix and netlink sockets "
				 "are supported in a session");
			request_audit(&k->c, NULL, &o, "refused", k->t0);
			say_refused(pid, "connect", o.target, &o);
			respond(k->sv->fd, n->id, EPERM, 0, false);
			return 0;
		}
		if (!proto_known) {
			int sfd = caller_fd(pid, sock);
			int type = 0, pr = 0;
			socklen_t sl = sizeof(type);
			if (sfd >= 0) {
				getsockopt(sfd, SOL_SOCKET, SO_TYPE, &type,
					   &sl);
				sl = sizeof(pr);
				getsockopt(sfd, SOL_SOCKET, SO_PROTOCOL, &pr,
					   &sl);
				close(sfd);
			}
			if (pr == IPPROTO_TCP ||
			    (type == SOCK_STREAM && pr == 0))
				proto = POLICY_PROTO_TCP;
			else if (pr == IPPROTO_UDP ||
				 (type == SOCK_DGRAM && pr == 0))
				proto = POLICY_PROTO_UDP;
			proto_known = true;
		}
		if (!notif_valid(k->sv->fd, n->id))
			return 0;
		memset(&k->q, 0, sizeof(k->q));
		k->q.kind = TGPK_CONNECT;
		k->q.has_addr = true;
		memcpy(k->q.addr, a16, 16);
		k->q.port = port;
		k->q.proto = (uint32_t)proto;
		/* the name the caller looked up (getaddrinfo, reported by the
		 * interposer); decide_connect believes it only if policyd's
		 * own lookup agrees */
		const char *host = session_name_for(k->c.s, a16, pid);
		if (host)
			snprintf(k->q.host, sizeof(k->q.host), "%s", host);
		struct outcome *o = outcome_new();
		if (!o) {
			respond(k->sv->fd, n->id, ENOMEM, 0, false);
			return 0;
		}
		if (decide(k, o) == -EAGAIN) {
			free(o);
			return 1;
		}
		if (!allowed(o)) {
			say_refused(pid, "connect", o->target, o);
			respond(k->sv->fd, n->id, EPERM, 0, false);
			free(o);
			return 0;
		}
		free(o);
	}
	respond(k->sv->fd, n->id, 0, 0, true);
	return 0;
}

/* --------------------------------------------------------- listeners */

static size_t notif_size = sizeof(struct seccomp_notif);

/* A free in-flight slot, zeroed (the receive fills it in), marked used;
 * -1 when there is none (the call is then not kept across a restart). */
static int slot_take(struct sv *sv)
{
	if (!sv->inflight)
		return -1;
	for (int i = 0; i < TGP_INFLIGHT_SLOTS; i++)
		if (!sv->inflight[i].used) {
			struct tgp_inflight *e = &sv->inflight[i];
			memset(&e->n, 0, sizeof(e->n));
			e->state = 0;
			__atomic_store_n(&sv->inflight[i].used, 1,
					 __ATOMIC_RELEASE);
			return i;
		}
	return -1;
}

static void slot_set(struct sv *sv, const struct seccomp_notif *n, int *slot)
{
	*slot = -1;
	if (!sv->inflight)
		return;
	for (int i = 0; i < TGP_INFLIGHT_SLOTS; i++)
		if (!sv->inflight[i].used) {
			memcpy(&sv->inflight[i].n, n, sizeof(*n));
			sv->inflight[i].state = 0;
			__atomic_store_n(&sv->inflight[i].used, 1,
					 __ATOMIC_RELEASE);
			*slot = i;
			return;
		}
}

static void handle_one(struct sv *sv, const struct seccomp_notif *n, int slot)
{
	const struct fsop *f;
	bool rehandled = slot == -2;
	if (rehandled)
		slot_set(sv, n, &slot);
	struct call *k = calloc(1, sizeof(*k));
	if (!k) {
		respond(sv->fd, n->id, ENOMEM, 0, false);
		goto out;
	}
	k->rehandled = rehandled;
	k->sv = sv;
	k->n = n;
	k->t0 = tg_mono_ns();
	k->c.fd = -1;
	k->c.pid = (pid_t)n->pid;
	k->c.s = sv->s;
	k->c.attributed = true;
	k->c.same_root = sv->same_root == 1 ? 1 : -1;
	k->c.noop = call_noop;
	k->racy = -1;
	k->held = -1;
	k->fsfd = -1;
	k->fsfd_cwd = false;
	k->ifl = slot >= 0 ? &sv->inflight[slot] : NULL;
	/* a write-open is done as the caller: its credentials, groups and
	 * umask. Execs and connects need none of it to be decided (the race
	 * probe and the audit line read what they need themselves) */
	bool is_open = n->data.nr == SYS_open || n->data.nr == SYS_openat ||
		       n->data.nr == SYS_creat;
	if (!is_open) {
		k->c.uid_lazy = true;
	} else if (procfs_status(k->c.pid, &k->cr) < 0) {
		/* the caller is gone (or /proc is unreadable): refuse */
		respond(sv->fd, n->id, EACCES, 0, false);
		goto out;
	} else {
		k->have_cr = true;
		k->c.uid = k->cr.fsuid;
	}
	k->q.dirfd = AT_FDCWD;
	switch (n->data.nr) {
	case SYS_execve:
		handle_exec(k, false);
		break;
	case SYS_execveat:
		handle_exec(k, true);
		break;
	case SYS_open:
	case SYS_openat:
	case SYS_creat:
		handle_open(k);
		break;
	case SYS_bind:
		handle_bind(k);
		break;
	case SYS_connect:
	case SYS_sendto:
	case SYS_sendmsg:
	case SYS_sendmmsg: {
		int parked = handle_net(k);
		if (parked == 1 && sv->nparked < SV_PARK_MAX) {
			/* the caller keeps waiting; tried again when the
			 * resolver answers (the in-flight slot stays) */
			sv->parked[sv->nparked].n = *n;
			sv->parked[sv->nparked++].slot = slot;
			slot = -1;
		} else if (parked == 1) {
			respond(sv->fd, n->id, EAGAIN, 0, false);
		}
		break;
	}
	default:
		if ((f = fsop_find(n)) != NULL) {
			handle_fsop(k, f);
			break;
		}
		/* the filter notifies nothing else: fail closed */
		respond(sv->fd, n->id, EPERM, 0, false);
	}
out:
	if (k && k->fsfd >= 0)
		close(k->fsfd);
	if (k && k->c.same_root == 1)
		sv->same_root = 1;
	if (k)
		req_free(&k->q);
	free(k);
	if (slot >= 0)
		__atomic_store_n(&sv->inflight[slot].used, 0, __ATOMIC_RELEASE);
}

void supervisor_ready(struct sv *sv)
{
	if (sv->dead)
		return;
	/* one notification per readiness report: RECV would block when the
	 * queue is empty, and epoll reports the rest (level-triggered) */
	union {
		struct seccomp_notif n;
		uint8_t pad[512];
	} u;
	memset(&u, 0, sizeof(u));
	/* the kernel writes the notification straight into a slot of the
	 * in-flight table (shared with agent-shell), taken before it is
	 * received: a policyd killed at any point after the receive leaves
	 * it there for the next one, which answers it (a kill that landed
	 * during the receive used to lose the call, and its caller waited
	 * for ever). A slot taken but never filled has id 0: not valid. */
	int slot = slot_take(sv);
	struct seccomp_notif *into = slot >= 0 ? &sv->inflight[slot].n : &u.n;
	if (ioctl(sv->fd, SECCOMP_IOCTL_NOTIF_RECV, into) < 0) {
		/* ENOENT: the caller died before we looked */
		if (slot >= 0)
			__atomic_store_n(&sv->inflight[slot].used, 0,
					 __ATOMIC_RELEASE);
		return;
	}
	if (slot >= 0)
		u.n = *into;
	sv->s->n_notifications++;
	D.n_notifications++;
	handle_one(sv, &u.n, slot);
}

static bool is_seccomp_listener(int fd)
{
	char p[64], t[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(p, t, sizeof(t) - 1);
	if (n <= 0)
		return false;
	t[n] = '\0';
	return !strcmp(t, "anon_inode:seccomp notify");
}

int supervisor_attach(struct session *s, int lfd, int inflight_fd, char *err,
		      size_t errsz)
{
	if (!is_seccomp_listener(lfd)) {
		snprintf(err, errsz, "not a seccomp listener");
		return -EINVAL;
	}
	if (s->sv) {
		snprintf(err, errsz, "the session already has a listener");
		return -EEXIST;
	}
	struct seccomp_notif_sizes sz;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) == 0)
		notif_size = sz.seccomp_notif;
	if (notif_size > 512) {
		snprintf(err, errsz, "kernel notification size %zu unknown",
			 notif_size);
		return -EINVAL;
	}
	struct sv *sv = calloc(1, sizeof(*sv));
	if (!sv) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	sv->tag.fd = lfd;
	sv->tag.notifier = sv;
	sv->fd = lfd;
	sv->s = s;
	if (inflight_fd >= 0) {
		struct stat st;
		void *m = MAP_FAILED;
		if (fstat(inflight_fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size == TGP_INFLIGHT_BYTES)
			m = mmap(NULL, TGP_INFLIGHT_BYTES,
				 PROT_READ | PROT_WRITE, MAP_SHARED,
				 inflight_fd, 0);
		close(inflight_fd);
		if (m != MAP_FAILED)
			sv->inflight = m;
	}
	/* the kernel wakes the caller on the answering CPU (6.6+) */
	uint64_t fl = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	sv->sync_wakeup = ioctl(lfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, fl) == 0;
	s->sv = sv;
	/* calls a previous policyd had received but not answered */
	if (sv->inflight) {
		/* taken out of the table first: handling one puts it back
		 * in a free slot, possibly one further on (a parked connect
		 * stays there), which this loop must not take for a
		 * left-over call and handle twice */
		static struct tgp_inflight left[TGP_INFLIGHT_SLOTS];
		int nleft = 0;
		for (int i = 0; i < TGP_INFLIGHT_SLOTS; i++) {
			if (!sv->inflight[i].used)
				continue;
			left[nleft++] = sv->inflight[i];
			sv->inflight[i].used = 0;
		}
		for (int i = 0; i < nleft; i++) {
			struct tgp_inflight e = left[i];
			if (!notif_valid(lfd, e.n.id))
				continue;
			daemon_log("session %s: answering call %llu left by "
				   "the previous policyd%s",
				   s->id, (unsigned long long)e.n.id,
				   e.state ? " (already carried out)" : "");
			/* a mark only stands for the calls that can carry
			 * one (the table is outside the sandbox; even so) */
			int nr = e.n.data.nr;
			bool is_open = nr == SYS_open || nr == SYS_openat ||
				       nr == SYS_creat;
			if (e.state == TGP_IFL_DONE && e.value <= 0 &&
			    e.value > -4096 && fsop_find(&e.n)) {
				respond(lfd, e.n.id, -e.value, 0, false);
			} else if (e.state == TGP_IFL_FD && is_open &&
				   caller_has_file(e.n.pid, e.value, e.dev,
						   e.ino) &&
				   notif_valid(lfd, e.n.id)) {
				respond(lfd, e.n.id, 0, e.value, false);
			} else {
				handle_one(sv, &e.n, -2);
			}
		}
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &sv->tag};
	epoll_ctl(D.epfd, EPOLL_CTL_ADD, lfd, &ev);
	return 0;
}

void supervisor_retry_parked(void)
{
	for (struct session *s = D.sessions; s; s = s->next) {
		struct sv *sv = s->sv;
		if (!sv || !sv->nparked)
			continue;
		struct sv_parked p[SV_PARK_MAX];
		size_t np = sv->nparked;
		memcpy(p, sv->parked, np * sizeof(p[0]));
		sv->nparked = 0;
		for (size_t i = 0; i < np; i++)
			if (notif_valid(sv->fd, p[i].n.id))
				handle_one(sv, &p[i].n, p[i].slot);
			else if (p[i].slot >= 0)
				sv->inflight[p[i].slot].used = 0;
	}
}

/* Detached supervisors are freed after the epoll batch: a later event of
 * the same batch may still carry the tag. */
static struct sv *graveyard;

void supervisor_detach(struct session *s)
{
	struct sv *sv = s->sv;
	if (!sv)
		return;
	epoll_ctl(D.epfd, EPOLL_CTL_DEL, sv->fd, NULL);
	close(sv->fd);
	sv->fd = -1;
	sv->dead = true;
	sv->s = NULL;
	if (sv->inflight)
		munmap(sv->inflight, TGP_INFLIGHT_BYTES);
	sv->inflight = NULL;
	s->sv = NULL;
	sv->next_dead = graveyard;
	graveyard = sv;
}

void supervisor_reap(void)
{
	while (graveyard) {
		struct sv *n = graveyard->next_dead;
		free(graveyard);
		graveyard = n;
	}
}
