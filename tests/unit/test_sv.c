/* SPDX-License-Identifier: MIT */
/*
 * The kernel path's dispatch (supervisor.c and the sv_*.c handlers) on fake
 * seccomp notifications: each is a struct seccomp_notif built here whose
 * caller is this test process (the call's strings and structures are in
 * its memory, which policyd reads with process_vm_readv, and its stderr
 * gets the refusal lines). The listener is a number no descriptor has:
 * ioctl is wrapped (-Wl,--wrap=ioctl), the receive hands out the
 * notification, the answer is recorded, and a descriptor put in the caller
 * (ADDFD) lands in this process. A table of calls, each with the answer,
 * refusal line, audit line and effect on the workspace it must have.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "audit.h"
#include "daemon.h"
#include "missing.h"
#include "procfs.h"
#include "session.h"
#include "supervisor.h"
#include "sv_refuse.h"
#include "syscalls.h"
#include "tmpdir.h"
#include "util.h"
#include "workspace.h"

#define FAKE_LFD 987 /* the listener: no descriptor has this number */

TG_TEST_TMPDIR(top, "/tmp/tg-sv-XXXXXX")

static char ERRS[1100];
static struct session *sess;
static struct sv sv;

/* ------------------------------------------------------ the listener */

static struct seccomp_notif next_n; /* what the next receive gets */
static struct seccomp_notif_resp resp;
static int nresp;
static bool caller_gone;

int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	if (fd != FAKE_LFD)
		return __real_ioctl(fd, req, arg);
	switch (req) {
	case SECCOMP_IOCTL_NOTIF_RECV:
		memcpy(arg, &next_n, sizeof(next_n));
		return 0;
	case SECCOMP_IOCTL_NOTIF_SEND:
		memcpy(&resp, arg, sizeof(resp));
		nresp++;
		return 0;
	case SECCOMP_IOCTL_NOTIF_ID_VALID:
		errno = ENOENT;
		return caller_gone ? -1 : 0;
	case SECCOMP_IOCTL_NOTIF_ADDFD: {
		/* the caller is this process: the descriptor lands here */
		const struct seccomp_notif_addfd *af = arg;
		return fcntl((int)af->srcfd, F_DUPFD_CLOEXEC, 0);
	}
	default:
		errno = ENOTTY;
		return -1;
	}
}

/* ------------------------------------------------------------ setup */

static int setup(void **state)
{
	static const char *const dirs[] = {"out", "protected"};
	if (top_make(state) < 0 ||
	    ws_make(top, dirs, TG_ARRAY_SIZE(dirs)) < 0 ||
	    ws_put("protected/key", "secret\n", 0600) < 0 ||
	    ws_put("out/ro", "read me\n", 0600) < 0)
		return -1;
	snprintf(ERRS, sizeof(ERRS), "%s/stderr", WS_TOP);
	/* the caller's cwd is the workspace: its relative names are there */
	if (chdir(WS) < 0)
		return -1;
	struct proc_stat st;
	if (procfs_stat(getpid(), &st) < 0)
		return -1;
	char err[4096];
	struct session_params sp = {.pid = getpid(),
				    .pidfd = -1,
				    .start = st.starttime,
				    .uid = getuid(),
				    .shell_fd = -1,
				    .policy = WS_POLICY};
	if (session_create(&sp, &sess, err, sizeof(err)) < 0)
		return -1;
	sv = (struct sv){.fd = FAKE_LFD, .s = sess};
	sv.inflight = calloc(TGP_INFLIGHT_SLOTS, sizeof(struct tgp_inflight));
	sess->sv = &sv;
	return sv.inflight ? 0 : -1;
}

static int teardown(void **state)
{
	sess->sv = NULL;
	free(sv.inflight);
	session_end(sess, "test over");
	ws_drop();
	if (chdir("/") < 0)
		return -1;
	return top_remove(state);
}

/* ---------------------------------------------------------- running */

static char errs[8192]; /* what policyd wrote to the caller's stderr */

/* The notification nr(args) of this process handled as policyd would,
 * with its stderr caught. */
static void notify(int nr, const uint64_t args[6])
{
	static uint64_t id = 100;
	memset(&next_n, 0, sizeof(next_n));
	next_n.id = ++id;
	next_n.pid = (uint32_t)getpid();
	next_n.data.nr = nr;
	memcpy(next_n.data.args, args, 6 * sizeof(args[0]));
	nresp = 0;
	memset(&resp, 0, sizeof(resp));
	fflush(stderr);
	int saved = dup(2);
	int ef = open(ERRS, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(saved >= 0 && ef >= 0);
	dup2(ef, 2);
	close(ef);
	supervisor_ready(&sv, EPOLLIN);
	dup2(saved, 2);
	close(saved);
	FILE *f = fopen(ERRS, "re");
	size_t n = f ? fread(errs, 1, sizeof(errs) - 1, f) : 0;
	errs[n] = '\0';
	if (f)
		fclose(f);
}

enum answer { ANS_NONE, ANS_CONTINUE, ANS_ERROR, ANS_FD, ANS_MAX };

struct sv_case {
	const char *name;
	int nr;
	uint64_t a[6];
	enum answer ans;
	int err;	  /* ANS_ERROR: 0 or -errno */
	const char *line; /* in the refusal line; NULL: no line */
	bool audited;
};

#define P(x) ((uint64_t)(uintptr_t)(x))

static void run_case(const struct sv_case *k)
{
	size_t a0 = ws_audit_lines();
	notify(k->nr, k->a);
	switch (k->ans) {
	case ANS_NONE:
		if (nresp)
			fail_msg("%s: answered", k->name);
		break;
	case ANS_CONTINUE:
		if (nresp != 1 ||
		    !(resp.flags & SECCOMP_USER_NOTIF_FLAG_CONTINUE))
			fail_msg("%s: not continued (error %d)", k->name,
				 resp.error);
		break;
	case ANS_ERROR:
		if (nresp != 1 || resp.flags || resp.error != k->err)
			fail_msg("%s: error %d (flags %u), not %d", k->name,
				 resp.error, resp.flags, k->err);
		break;
	case ANS_FD: {
		struct stat st;
		if (nresp != 1 || resp.error || resp.val < 0 ||
		    fstat((int)resp.val, &st) < 0)
			fail_msg("%s: no descriptor (error %d)", k->name,
				 resp.error);
		close((int)resp.val);
		break;
	}
	case ANS_MAX:
	default:
		fail_msg("%s: no such answer", k->name);
	}
	if (k->line && !strstr(errs, k->line))
		fail_msg("%s: '%s' not in the refusal line '%s'", k->name,
			 k->line, errs);
	/* (policyd's own log goes to this process's stderr too) */
	if (!k->line && strstr(errs, "tiergate: "))
		fail_msg("%s: a refusal line: %s", k->name, errs);
	if (ws_audit_lines() != a0 + k->audited)
		fail_msg("%s: %zu audit lines, not %d", k->name,
			 ws_audit_lines() - a0, k->audited);
}

static bool exists(const char *rel)
{
	struct stat st;
	return lstat(rel, &st) == 0;
}

/* -------------------------------------------------------------- tests */

static void test_table(void **state)
{
	(void)state;
	/* every notified call has its entry, found by number; the filter
	 * notifies the same list (wrappers/sandbox.c) */
#define CHECK(n, fam, ...)                                                     \
	do {                                                                   \
		struct seccomp_notif n_ = {.data.nr = __NR_##n};               \
		n_.data.args[1] = 1;                                           \
		const struct tg_syscall *sc = supervisor_syscall(&n_);         \
		assert_non_null(sc);                                           \
		assert_int_equal(sc->nr, __NR_##n);                            \
		assert_string_equal(sc->name, #n);                             \
		assert_int_equal(sc->family, TG_SC_##fam);                     \
		if (sc->family == TG_SC_FILE)                                  \
			assert_true(sc->kind && sc->verb &&                    \
				    (sc->p1 >= 0 || sc->fd >= 0));             \
		if (sc->family == TG_SC_REFUSE) /* each one explained */       \
			assert_non_null(sv_refuse_why(sc->nr, NULL));          \
	} while (0);
	TG_NOTIFIED_SYSCALLS(CHECK)
#undef CHECK
	/* utimensat(fd, NULL) and futimesat(fd, NULL): the descriptor's */
	struct seccomp_notif n = {.data.nr = __NR_utimensat};
	n.data.args[0] = 3;
	const struct tg_syscall *sc = supervisor_syscall(&n);
	assert_int_equal(sc->fd, 0);
	assert_int_equal(sc->p1, -1);
	n.data.args[0] = (uint64_t)(int64_t)AT_FDCWD; /* EFAULT: by path */
	assert_int_equal(supervisor_syscall(&n)->p1, 1);
	n.data.nr = __NR_getpid;
	assert_null(supervisor_syscall(&n));
}

static void test_exec(void **state)
{
	(void)state;
	static const char *echo[] = {"echo", "hi", NULL},
			  *tru[] = {"true", NULL}, *none[] = {"x", NULL};
	/* clang-format off */
	const struct sv_case cases[] = {
	    {"echo", __NR_execve, {P("/usr/bin/echo"), P(echo)}, ANS_CONTINUE, 0, NULL, true},
	    {"true", __NR_execve, {P("/usr/bin/true"), P(tru)}, ANS_ERROR, -EACCES, "tiergate: refused exec \"true\" (rule no-true)", true},
	    /* execvp tries every PATH directory: no line, no audit */
	    {"absent", __NR_execve, {P("/nonexistent/x"), P(none)}, ANS_ERROR, -ENOENT, NULL, false},
	    {"bad path", __NR_execve, {16, P(none)}, ANS_ERROR, -EFAULT, NULL, false},
	    {"bad argv", __NR_execve, {P("/usr/bin/echo"), 16}, ANS_ERROR, -EFAULT, NULL, false},
	    {"empty", __NR_execve, {P(""), P(none)}, ANS_ERROR, -ENOENT, NULL, false},
	    {"execveat", __NR_execveat, {(uint64_t)(int64_t)AT_FDCWD, P("/usr/bin/true"), P(tru), 0, 0}, ANS_ERROR, -EACCES, "refused exec \"true\"", true},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
}

/* Calls a session never makes: EPERM whatever the policy, audited, and
 * explained unless programs probe them (io_uring_setup: no line). */
static void test_refuse(void **state)
{
	(void)state;
	/* clang-format off */
	const struct sv_case cases[] = {
	    {"ptrace", __NR_ptrace, {0x4206, 1}, ANS_ERROR, -EPERM, "tiergate: refused ptrace \"", true},
	    {"unshare", __NR_unshare, {0x10000000}, ANS_ERROR, -EPERM, "(rule sandbox): a tiergate session cannot make or enter namespaces", true},
	    {"io_uring_setup", __NR_io_uring_setup, {4}, ANS_ERROR, -EPERM, NULL, true},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	bool quiet = true;
	assert_non_null(sv_refuse_why(__NR_ptrace, &quiet));
	assert_false(quiet);
	assert_null(sv_refuse_why(__NR_getpid, NULL));
}

static void *parked_thread(void *arg)
{
	int *fds = arg;
	char c;
	(void)!read(fds[0], &c, 1);
	return NULL;
}

/* settings.exec_race refuse: an allow that holds only for the argv policyd
 * read is refused to a caller another thread of which could rewrite it. */
static void test_exec_race(void **state)
{
	(void)state;
	static const char *echo[] = {"echo", "hi", NULL};
	int fds[2];
	pthread_t t;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(pthread_create(&t, NULL, parked_thread, fds), 0);
	const struct sv_case racy = {
	    "echo, two threads",
	    __NR_execve,
	    {P("/usr/bin/echo"), P(echo)},
	    ANS_ERROR,
	    -EACCES,
	    "(rule exec_race): another thread (or process) could rewrite",
	    true};
	run_case(&racy);
	assert_int_equal(write(fds[1], "x", 1), 1);
	pthread_join(t, NULL);
	close(fds[0]);
	close(fds[1]);
}

static void test_open(void **state)
{
	(void)state;
	const uint64_t CWD = (uint64_t)(int64_t)AT_FDCWD;
	/* clang-format off */
	const struct sv_case cases[] = {
	    {"create", __NR_openat, {CWD, P("out/new"), O_WRONLY | O_CREAT | O_CLOEXEC, 0640}, ANS_FD, 0, NULL, false},
	    {"read", __NR_openat, {CWD, P("out/ro"), O_RDONLY}, ANS_CONTINUE, 0, NULL, false},
	    {"protected", __NR_openat, {CWD, P("protected/key"), O_WRONLY}, ANS_ERROR, -EACCES, "refused write \"" /* the target follows */, true},
	    /* calls that can only fail fail as the kernel would: silently */
	    {"missing", __NR_openat, {CWD, P("protected/none"), O_WRONLY}, ANS_ERROR, -ENOENT, NULL, false},
	    {"exists", __NR_open, {P("protected/key"), O_WRONLY | O_CREAT | O_EXCL, 0600}, ANS_ERROR, -EEXIST, NULL, false},
	    {"creat", __NR_creat, {P("out/c"), 0600}, ANS_FD, 0, NULL, false},
	    {"creat refused", __NR_creat, {P("protected/c"), 0600}, ANS_ERROR, -EACCES, "refused write \"", true},
	    {"bad path", __NR_openat, {CWD, 16, O_WRONLY}, ANS_ERROR, -EFAULT, NULL, false},
	    {"empty", __NR_openat, {CWD, P(""), O_WRONLY}, ANS_ERROR, -ENOENT, NULL, false},
	};
	/* clang-format on */
	run_case(&cases[0]);
	/* the file was made by policyd, as the caller (its umask); the
	 * descriptor put in the caller first, marked in the call's in-flight
	 * slot (now free again), then answered */
	struct stat st;
	assert_int_equal(stat("out/new", &st), 0);
	mode_t um = umask(0);
	umask(um);
	assert_int_equal(st.st_mode & 0777, 0640 & ~um);
	assert_int_equal(sv.inflight[0].used, 0);
	assert_int_equal(sv.inflight[0].state, TGP_IFL_FD);
	assert_int_equal(sv.inflight[0].ino, (uint64_t)st.st_ino);
	assert_int_equal(sv.inflight[0].n.id, next_n.id);
	for (size_t i = 1; i < TG_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	assert_true(exists("out/c"));
	assert_false(exists("protected/c"));
	char key[64] = "";
	FILE *f = fopen("protected/key", "re");
	assert_non_null(fgets(key, sizeof(key), f));
	fclose(f);
	assert_string_equal(key, "secret\n");
}

static void test_file_ops(void **state)
{
	(void)state;
	/* clang-format off */
	const struct sv_case cases[] = {
	    {"mkdir again", __NR_mkdir, {P("out/d"), 0700}, ANS_ERROR, -EEXIST, NULL, false},
	    /* refused, but it exists: EEXIST as the kernel says (mkdir -p) */
	    {"mkdir protected", __NR_mkdir, {P("protected"), 0700}, ANS_ERROR, -EEXIST, NULL, false},
	    {"mkdir in protected", __NR_mkdir, {P("protected/n"), 0700}, ANS_ERROR, -EACCES, "refused create", true},
	    /* refused, and nothing there: ENOENT (rm -f) */
	    {"unlink missing", __NR_unlink, {P("protected/none")}, ANS_ERROR, -ENOENT, NULL, false},
	    {"unlink", __NR_unlink, {P("protected/key")}, ANS_ERROR, -EACCES, "refused delete", true},
	    {"rename", __NR_rename, {P("out/ro"), P("out/ro2")}, ANS_ERROR, 0, NULL, false},
	    /* two names: the strictest decides */
	    {"rename out", __NR_rename, {P("out/ro2"), P("protected/ro3")}, ANS_ERROR, -EACCES, "refused rename", true},
	    {"symlink", __NR_symlink, {P("target"), P("out/sl")}, ANS_ERROR, 0, NULL, false},
	    {"chmod", __NR_chmod, {P("out/ro2"), 0600}, ANS_ERROR, 0, NULL, false},
	    {"chmod protected", __NR_chmod, {P("protected/key"), 0666}, ANS_ERROR, -EACCES, "refused chmod", true},
	    {"rmdir", __NR_rmdir, {P("out/d")}, ANS_ERROR, 0, NULL, false},
	    {"truncate", __NR_truncate, {P("out/ro2"), 2}, ANS_ERROR, 0, NULL, false},
	};
	/* clang-format on */
	/* made by policyd and marked done before the answer, so that a
	 * policyd started after a crash answers it without making it again */
	const struct sv_case mk = {
	    "mkdir", __NR_mkdir, {P("out/d"), 0700}, ANS_ERROR, 0, NULL, false};
	run_case(&mk);
	assert_true(exists("out/d"));
	assert_int_equal(sv.inflight[0].state, TGP_IFL_DONE);
	assert_int_equal(sv.inflight[0].value, 0);
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	assert_false(exists("out/d"));
	assert_false(exists("out/ro"));
	assert_true(exists("protected/key"));
	char to[64] = "";
	assert_int_equal(readlink("out/sl", to, sizeof(to) - 1), 6);
	assert_string_equal(to, "target");
	struct stat st;
	assert_int_equal(stat("out/ro2", &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 2);
	/* by descriptor: decided on the file's name, done on policyd's copy */
	int ro = open("protected/key", O_RDONLY | O_CLOEXEC);
	int own = open("out/ro2", O_RDONLY | O_CLOEXEC);
	assert_true(ro >= 0 && own >= 0);
	/* clang-format off */
	const struct sv_case byfd[] = {
	    {"fchmod protected", __NR_fchmod, {(uint64_t)ro, 0666}, ANS_ERROR, -EACCES, "refused chmod", true},
	    {"fchmod", __NR_fchmod, {(uint64_t)own, 0640}, ANS_ERROR, 0, NULL, false},
	    {"fchmod bad fd", __NR_fchmod, {999, 0640}, ANS_ERROR, -EBADF, NULL, false},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(byfd); i++)
		run_case(&byfd[i]);
	assert_int_equal(stat("out/ro2", &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	close(ro);
	close(own);
}

static void test_net(void **state)
{
	(void)state;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	struct sockaddr_in ok = {.sin_family = AF_INET,
				 .sin_port = htons(8080),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in ssh = ok;
	ssh.sin_port = htons(22);
	struct sockaddr_un prot = {.sun_family = AF_UNIX}, out = prot;
	snprintf(prot.sun_path, sizeof(prot.sun_path), "protected/sock");
	snprintf(out.sun_path, sizeof(out.sun_path), "out/sock");
	struct sockaddr_storage pkt = {.ss_family = 17 /* AF_PACKET */};
	const uint64_t S = (uint64_t)s;
	/* clang-format off */
	const struct sv_case cases[] = {
	    {"loopback", __NR_connect, {S, P(&ok), sizeof(ok)}, ANS_CONTINUE, 0, NULL, false},
	    {"ssh", __NR_connect, {S, P(&ssh), sizeof(ssh)}, ANS_ERROR, -EPERM, "refused connect \"127.0.0.1:22/tcp\" (rule default)", true},
	    {"sendto", __NR_sendto, {S, P("x"), 1, 0, P(&ssh), sizeof(ssh)}, ANS_ERROR, -EPERM, "refused connect", true},
	    /* a named Unix socket is reached like a file written */
	    {"unix missing", __NR_connect, {S, P(&prot), sizeof(prot)}, ANS_ERROR, -ENOENT, NULL, false},
	    {"packet", __NR_connect, {S, P(&pkt), sizeof(pkt)}, ANS_ERROR, -EPERM, "(rule address-family)", true},
	    {"short", __NR_connect, {S, P(&ok), 1}, ANS_ERROR, -EFAULT, NULL, false},
	    {"bind", __NR_bind, {S, P(&out), sizeof(out)}, ANS_CONTINUE, 0, NULL, false},
	    {"bind protected", __NR_bind, {S, P(&prot), sizeof(prot)}, ANS_ERROR, -EACCES, "refused bind", true},
	    {"bind inet", __NR_bind, {S, P(&ok), sizeof(ok)}, ANS_CONTINUE, 0, NULL, false},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	/* a name this process looked up waits for policyd's own lookup:
	 * parked, not answered, the caller keeps waiting */
	struct sockaddr_in web = {.sin_family = AF_INET,
				  .sin_port = htons(443),
				  .sin_addr.s_addr = htonl(0xC0000207)};
	uint8_t a16[1][16] = {{0}};
	a16[0][10] = a16[0][11] = 0xff;
	memcpy(&a16[0][12], &web.sin_addr, 4);
	session_names_record(sess, getpid(), "api.example.org",
			     (const uint8_t(*)[16])a16, 1);
	assert_string_equal(session_name_for(sess, a16[0], getpid()),
			    "api.example.org");
	const struct sv_case lookup = {
	    "named", __NR_connect, {S, P(&web), sizeof(web)}, ANS_NONE, 0,
	    NULL,    false};
	size_t np = sv.nparked;
	run_case(&lookup);
	assert_int_equal(sv.nparked, np + 1);
	sv.nparked = np;
	close(s);
}

/* AF_UNSPEC in a send is no disconnect: an IPv4 UDP socket sends to the
 * address it holds (an IPv6 one ignores it) */
static void test_net_unspec(void **state)
{
	(void)state;
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int u6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(u >= 0 && u6 >= 0);
	struct sockaddr_in un = {.sin_family = AF_UNSPEC,
				 .sin_port = htons(22),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct msghdr m = {.msg_name = &un, .msg_namelen = sizeof(un)};
	const uint64_t U = (uint64_t)u, U6 = (uint64_t)u6;
	/* clang-format off */
	const struct sv_case cases[] = {
	    {"sendto unspec", __NR_sendto, {U, P("x"), 1, 0, P(&un), sizeof(un)}, ANS_ERROR, -EPERM, "refused connect \"127.0.0.1:22/udp\" (rule default)", true},
	    {"sendmsg unspec", __NR_sendmsg, {U, P(&m), 0}, ANS_ERROR, -EPERM, "refused connect \"127.0.0.1:22/udp\"", true},
	    /* a connect's AF_UNSPEC dissolves the association */
	    {"connect unspec", __NR_connect, {U, P(&un), sizeof(un)}, ANS_CONTINUE, 0, NULL, false},
	    {"sendto unspec v6", __NR_sendto, {U6, P("x"), 1, 0, P(&un), sizeof(un)}, ANS_CONTINUE, 0, NULL, false},
	    /* shorter than an IPv4 address: EINVAL, from the kernel */
	    {"sendto unspec short", __NR_sendto, {U, P("x"), 1, 0, P(&un), 8}, ANS_CONTINUE, 0, NULL, false},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	close(u);
	close(u6);
}

/* Raw and packet sockets, read as the kernel reads socket()'s arguments:
 * refused unless settings.raw_sockets: allow */
static void test_socket(void **state)
{
	(void)state;
	const uint64_t HI = 1ULL << 32; /* the kernel reads ints */
	/* clang-format off */
	const struct sv_case cases[] = {
	    {"raw", __NR_socket, {AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW}, ANS_ERROR, -EPERM, "tiergate: refused socket \"raw socket (family 2, protocol 255)\" (rule raw-sockets)", true},
	    {"raw udp", __NR_socket, {AF_INET6, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_UDP}, ANS_ERROR, -EPERM, "\"raw socket (family 10, protocol 17)\"", true},
	    {"packet", __NR_socket, {HI | AF_PACKET, SOCK_DGRAM, 0}, ANS_ERROR, -EPERM, "packet socket (family 17", true},
	    /* the kernel makes AF_INET's SOCK_PACKET a packet socket */
	    {"inet packet", __NR_socket, {AF_INET, HI | SOCK_PACKET, 0}, ANS_ERROR, -EPERM, "packet socket (family 17", true},
	    /* what the kernel fails or keeps local goes on to it */
	    {"raw ip 0", __NR_socket, {AF_INET, SOCK_RAW, 0}, ANS_CONTINUE, 0, NULL, false},
	    {"netlink", __NR_socket, {AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0}, ANS_CONTINUE, 0, NULL, false},
	    {"unix raw", __NR_socket, {AF_UNIX, SOCK_RAW, 0}, ANS_CONTINUE, 0, NULL, false},
	    {"bad flags", __NR_socket, {AF_INET, SOCK_RAW | 0x100, IPPROTO_RAW}, ANS_CONTINUE, 0, NULL, false},
	    {"udp", __NR_socket, {AF_INET, SOCK_DGRAM, 0}, ANS_CONTINUE, 0, NULL, false},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
}

/* A pid no process has (the top of the pid space, checked). */
static pid_t free_pid(void)
{
	for (pid_t p = 4194303; p > 4000000; p--)
		if (kill(p, 0) < 0 && errno == ESRCH)
			return p;
	return -1;
}

/* Calls aimed at another process: the caller's own and its session's
 * processes only (the session's root, agent-shell, is this test here:
 * the test is its own caller) */
static void test_proc(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char c;
		close(fds[1]);
		(void)!read(fds[0], &c, 1);
		_exit(0);
	}
	close(fds[0]);
	struct rlimit lim = {1, 1};
	cpu_set_t cpus;
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	int pfd_child = (int)syscall(SYS_pidfd_open, child, 0);
	int pfd_init = (int)syscall(SYS_pidfd_open, 1, 0);
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(pfd_child >= 0 && pfd_init >= 0 && nul >= 0);
	const uint64_t C = (uint64_t)child, ME = (uint64_t)getpid(),
		       UP = (uint64_t)getppid(), NONE = (uint64_t)free_pid();
	/* clang-format off */
	const struct sv_case cases[] = {
	    {"prlimit init", __NR_prlimit64, {1, RLIMIT_FSIZE, P(&lim), 0}, ANS_ERROR, -EPERM, "tiergate: refused prlimit64 \"pid 1 (", true},
	    {"prlimit read", __NR_prlimit64, {1, RLIMIT_FSIZE, 0, P(&lim)}, ANS_CONTINUE, 0, NULL, false},
	    {"prlimit child", __NR_prlimit64, {C, RLIMIT_NOFILE, P(&lim), 0}, ANS_CONTINUE, 0, NULL, false},
	    {"prlimit self", __NR_prlimit64, {ME, RLIMIT_NOFILE, P(&lim), 0}, ANS_CONTINUE, 0, NULL, false},
	    {"affinity parent", __NR_sched_setaffinity, {UP, sizeof(cpus), P(&cpus)}, ANS_ERROR, -EPERM, "(rule other-process): outside this session", true},
	    {"affinity child", __NR_sched_setaffinity, {C, sizeof(cpus), P(&cpus)}, ANS_CONTINUE, 0, NULL, false},
	    {"setattr init", __NR_sched_setattr, {1, P(&lim), 0}, ANS_ERROR, -EPERM, "refused sched_setattr \"pid 1", true},
	    {"no such pid", __NR_sched_setparam, {NONE, P(&lim)}, ANS_ERROR, -ESRCH, NULL, false},
	    {"negative pid", __NR_sched_setscheduler, {(uint64_t)-5, 0, P(&lim)}, ANS_CONTINUE, 0, NULL, false},
	    {"nice child", __NR_setpriority, {PRIO_PROCESS, C, 5}, ANS_CONTINUE, 0, NULL, false},
	    {"nice init", __NR_setpriority, {PRIO_PROCESS, 1, 5}, ANS_ERROR, -EPERM, "pid 1", true},
	    /* every process of a user (policyd's own, in user mode) */
	    {"nice user", __NR_setpriority, {PRIO_USER, 0, 5}, ANS_ERROR, -EPERM, "refused setpriority \"user 0\"", true},
	    {"ionice group", __NR_ioprio_set, {2, 0, 0}, ANS_ERROR, -EPERM, "process group 0", true},
	    {"ionice bad which", __NR_ioprio_set, {9, 0, 0}, ANS_CONTINUE, 0, NULL, false},
	    {"kcmp", __NR_kcmp, {ME, 1, 0, 0, 0}, ANS_ERROR, -EPERM, "refused kcmp \"pid 1", true},
	    {"kcmp ours", __NR_kcmp, {ME, C, 0, 0, 0}, ANS_CONTINUE, 0, NULL, false},
	    {"move_pages init", __NR_move_pages, {1, 0, 0, 0, 0, 0}, ANS_ERROR, -EPERM, "pid 1", true},
	    {"signal child", __NR_pidfd_send_signal, {(uint64_t)pfd_child, 0, 0, 0}, ANS_CONTINUE, 0, NULL, false},
	    {"signal init", __NR_pidfd_send_signal, {(uint64_t)pfd_init, 9, 0, 0}, ANS_ERROR, -EPERM, "refused pidfd_send_signal \"pid 1", true},
	    {"madvise init", __NR_process_madvise, {(uint64_t)pfd_init, 0, 0, 0, 0}, ANS_ERROR, -EPERM, "pid 1", true},
	    {"not a pidfd", __NR_pidfd_send_signal, {(uint64_t)nul, 9, 0, 0}, ANS_ERROR, -EBADF, NULL, false},
	    {"no descriptor", __NR_process_mrelease, {999, 0}, ANS_ERROR, -EBADF, NULL, false},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	/* the child ends: its pidfd names no process any more */
	close(fds[1]);
	assert_int_equal(waitpid(child, NULL, 0), child);
	const struct sv_case gone = {"signal gone",
				     __NR_pidfd_send_signal,
				     {(uint64_t)pfd_child, 0, 0, 0},
				     ANS_ERROR,
				     -ESRCH,
				     NULL,
				     false};
	run_case(&gone);
	close(pfd_child);
	close(pfd_init);
	close(nul);
}

/* A new RLIMIT_CORE: carried out by policyd on its own copy (never
 * continued), refused when it raises the hard limit (rule core-dumps), the
 * old limit written back as prlimit64 would; the kernel's errnos for bad
 * pointers and a soft limit above the hard one. */
static void test_core(void **state)
{
	(void)state;
	struct rlimit start = {0, 100}, up = {0, 200}, low = {0, 50},
		      low2 = {0, 40}, soft = {150, 40}, old = {7, 7}, now;
	static const char ro[32] = "read-only: .rodata";
	assert_int_equal(setrlimit(RLIMIT_CORE, &start), 0);
	/* clang-format off */
	const struct sv_case cases[] = {
	    {"core raise", __NR_prlimit64, {0, RLIMIT_CORE, P(&up), 0}, ANS_ERROR, -EPERM, "(rule core-dumps): core dumps are off in tiergate sessions", true},
	    {"core raise high bits", __NR_prlimit64, {0, RLIMIT_CORE | (1ULL << 32), P(&up), 0}, ANS_ERROR, -EPERM, "(rule core-dumps)", true},
	    {"setrlimit raise", __NR_setrlimit, {RLIMIT_CORE, P(&up)}, ANS_ERROR, -EPERM, "refused setrlimit \"core file size of pid", true},
	    {"core soft above hard", __NR_prlimit64, {0, RLIMIT_CORE, P(&soft), 0}, ANS_ERROR, -EINVAL, "(rule core-dumps)", true},
	    {"core bad new", __NR_prlimit64, {0, RLIMIT_CORE, 16, 0}, ANS_ERROR, -EFAULT, NULL, false},
	    {"core lower", __NR_prlimit64, {0, RLIMIT_CORE, P(&low), P(&old)}, ANS_ERROR, 0, NULL, false},
	    {"core old read-only", __NR_prlimit64, {0, RLIMIT_CORE, P(&low), P(ro)}, ANS_ERROR, -EFAULT, NULL, false},
	    {"setrlimit lower", __NR_setrlimit, {RLIMIT_CORE, P(&low2)}, ANS_ERROR, 0, NULL, false},
	    {"core init", __NR_prlimit64, {1, RLIMIT_CORE, P(&low), 0}, ANS_ERROR, -EPERM, "(rule other-process)", true},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++) {
		run_case(&cases[i]);
		if (!strcmp(cases[i].name, "core lower")) {
			assert_int_equal(old.rlim_cur, 0);
			assert_int_equal(old.rlim_max, 100);
		}
	}
	assert_int_equal(getrlimit(RLIMIT_CORE, &now), 0);
	assert_int_equal(now.rlim_cur, 0);
	assert_int_equal(now.rlim_max, 40);
}

/* Inode flags and attributes: refused whatever the policy says, with a
 * line (the filter notifies only the SET requests of ioctl). */
static void test_attr_refuse(void **state)
{
	(void)state;
	/* clang-format off */
	const struct sv_case cases[] = {
	    {"setflags", __NR_ioctl, {3, 0x40086602 /* FS_IOC_SETFLAGS */, 0}, ANS_ERROR, -EPERM, "tiergate: refused ioctl \"", true},
	    {"file_setattr", __NR_file_setattr, {(uint64_t)(int64_t)AT_FDCWD, P("x"), 0, 24, 0}, ANS_ERROR, -EPERM, "cannot change a file's inode flags", true},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
}

static void test_fail_closed(void **state)
{
	(void)state;
	static const char *tru[] = {"true", NULL};
	/* clang-format off */
	const struct sv_case cases[] = {
	    /* the filter notifies nothing else */
	    {"getpid", __NR_getpid, {0}, ANS_ERROR, -EPERM, NULL, false},
	    {"openat2", __NR_openat2, {0}, ANS_ERROR, -EPERM, NULL, false},
	};
	/* clang-format on */
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	/* a caller gone after its memory was read: no decision, no answer
	 * (its pid may already be another process's) */
	caller_gone = true;
	const struct sv_case gone = {
	    "gone", __NR_execve, {P("/usr/bin/true"), P(tru)}, ANS_NONE, 0,
	    NULL,   false};
	run_case(&gone);
	caller_gone = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_exec),
	    cmocka_unit_test(test_exec_race),
	    cmocka_unit_test(test_open),
	    cmocka_unit_test(test_file_ops),
	    cmocka_unit_test(test_net),
	    cmocka_unit_test(test_net_unspec),
	    cmocka_unit_test(test_socket),
	    cmocka_unit_test(test_proc),
	    cmocka_unit_test(test_fail_closed),
	    cmocka_unit_test(test_refuse),
	    cmocka_unit_test(test_core),
	    cmocka_unit_test(test_attr_refuse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
