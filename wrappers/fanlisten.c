/* SPDX-License-Identifier: MIT */
#include "fanlisten.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "glob.h"
#include "tg_proto.h"
#include "util.h"

#define MAX_IGNORED 65536 /* inodes remembered as allowed (each mark pins
			     its inode in memory while the session runs) */
#define MAX_LINES 32 /* refusal lines on the terminal per session (the
			audit log has every one) */

struct fanlisten {
	int fd; /* the fanotify group */
	const char *const *path; /* denied files (the plan's strings) */
	size_t npath;
	const char *const *tree; /* denied trees */
	size_t ntree;
	struct glob **glob; /* the plan's globs, compiled */
	size_t nglob;
	unsigned nignored; /* ignore marks made (remember_allowed) */
};

/* Does the plan deny reading path? */
static bool fanlisten_denies(const struct fanlisten *fl, const char *path)
{
	for (size_t i = 0; i < fl->npath; i++)
		if (!strcmp(fl->path[i], path))
			return true;
	for (size_t i = 0; i < fl->ntree; i++) {
		size_t n = strlen(fl->tree[i]);
		if (!strncmp(fl->tree[i], path, n) &&
		    (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	for (size_t i = 0; i < fl->nglob; i++)
		if (glob_match(fl->glob[i], path))
			return true;
	return false;
}

void fanlisten_close(struct fanlisten *fl)
{
	if (!fl)
		return;
	if (fl->fd >= 0)
		close(fl->fd);
	for (size_t i = 0; i < fl->nglob; i++)
		glob_free(fl->glob[i]);
	free(fl->glob);
	free(fl);
}

int fanlisten_new(const struct mountmask_plan *p, struct fanlisten **ret,
		  const char **why)
{
	if (!p->npath && !p->ntree && !p->nglobs) {
		*why = "the policy denies reading no file";
		return -ENOENT;
	}
	struct fanlisten *fl = calloc(1, sizeof(*fl));
	if (!fl || !(fl->glob = calloc(p->nglobs + 1, sizeof(*fl->glob)))) {
		free(fl);
		*why = "out of memory";
		return -ENOMEM;
	}
	fl->fd = -1;
	fl->path = p->path;
	fl->npath = p->npath;
	fl->tree = p->tree;
	fl->ntree = p->ntree;
	for (size_t i = 0; i < p->nglobs; i++) {
		const char *err;
		size_t pos;
		/* a glob policyd compiled compiles here too; one that does
		 * not (another version's syntax) is left to the interposer */
		if (glob_compile(p->globs[i], GLOB_PATH, &fl->glob[fl->nglob],
				 &err, &pos) < 0)
			continue;
		/* a rule denying every read (no path, "**"): refusing every
		 * open, execs and the loader's included, would stop the
		 * session from running anything; left to the interposer, as
		 * the masks leave it */
		if (glob_matches_all(fl->glob[fl->nglob]))
			glob_free(fl->glob[fl->nglob]);
		else
			fl->nglob++;
	}
	if (!fl->npath && !fl->ntree && !fl->nglob) {
		*why = "the policy denies reading no file the layer can watch";
		fanlisten_close(fl);
		return -ENOENT;
	}
	/* why FAN_CLASS_CONTENT: permission events; FAN_UNLIMITED_QUEUE: an
	 * event lost to an overflow would be a read nobody decided;
	 * FAN_REPORT_TID: the opening thread, whose arguments tell a write
	 * open (opener_writes_only) */
	fl->fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC |
				   FAN_UNLIMITED_QUEUE | FAN_REPORT_TID,
			       O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (fl->fd < 0) {
		int e = errno;
		*why = e == EPERM ? "permission events need CAP_SYS_ADMIN "
				    "(a root session)"
		       : e == ENOSYS || e == EINVAL
			   ? "the kernel has no fanotify permission events"
			   : "fanotify_init failed";
		fanlisten_close(fl);
		return -e;
	}
	*ret = fl;
	return 0;
}

/* The mount point of one /proc/self/mountinfo line (field 5, octal
 * escapes undone) into out: 0 or -EINVAL. */
static int mount_point(const char *line, char *out, size_t outsz)
{
	const char *s = line;
	for (int f = 0; f < 4 && s; f++)
		if ((s = strchr(s, ' ')))
			s++;
	if (!s)
		return -EINVAL;
	size_t n = 0;
	for (; *s && *s != ' ' && n + 1 < outsz; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] &&
		    s[3]) {
			out[n++] = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
					  (s[3] - '0'));
			s += 3;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	return out[0] == '/' && (*s == ' ' || !*s) ? 0 : -EINVAL;
}

int fanlisten_mark_mounts(struct fanlisten *fl, char *what, size_t whatsz)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f) {
		snprintf(what, whatsz, "/proc/self/mountinfo");
		return -errno;
	}
	char line[PATH_MAX * 2 + 512], mp[PATH_MAX];
	int r = 0;
	unsigned n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (mount_point(line, mp, sizeof(mp)) < 0)
			continue;
		/* a mount point hidden under a later mount is reached by
		 * its path no more: the one on top is marked (and the
		 * hidden one cannot be opened through) */
		if (fanotify_mark(fl->fd, FAN_MARK_ADD | FAN_MARK_MOUNT,
				  FAN_OPEN_PERM, AT_FDCWD, mp) < 0) {
			/* EINVAL: a pseudo file system (proc, sysfs, ...)
			 * the kernel lets no one watch (docs/threat-model.md) */
			if (!r && errno != EINVAL) {
				r = -errno;
				snprintf(what, whatsz, "%s", mp);
			}
			continue;
		}
		n++;
	}
	if (!r && !n) {
		snprintf(what, whatsz, "no mount");
		r = -ENOENT;
	}
	return r;
}

/* The path of the opened object (as the listener, outside the session's
 * namespace, sees it: the namespace is a copy of the host's, so the names
 * are the same). 0, or -errno: then the read is refused. */
static int event_path(int fd, char *out, size_t outsz)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, out, outsz - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= outsz - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	/* an unlinked file: decided on the name it had */
	static const char del[] = " (deleted)";
	size_t dl = sizeof(del) - 1;
	if ((size_t)n > dl && !strcmp(out + n - dl, del))
		out[n - dl] = '\0';
	return out[0] == '/' ? 0 : -EINVAL;
}

/* One TGP_KREFUSED report to policyd (it decides the path again with the
 * engine and writes the audit record with the rule). Best effort: the
 * refusal stands whatever happens to the report. */
static void report_refusal(int report, pid_t pid, const char *path)
{
	static uint8_t buf[TGP_MAX_PATH + 256];
	struct tgp_enc e;
	if (report < 0)
		return;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_KREFUSED, 0);
	tgp_put_str(&e, TGPT_PATH, path);
	tgp_put_u32(&e, TGPT_PID, (uint32_t)pid);
	long n = tgp_enc_end(&e);
	if (n > 0)
		(void)!send(report, buf, (size_t)n, MSG_NOSIGNAL);
}

static void refused(int err, int report, pid_t pid, const char *path,
		    unsigned *lines)
{
	report_refusal(report, pid, path);
	if (err < 0 || *lines > MAX_LINES)
		return;
	char line[PATH_MAX + 256];
	int n = ++*lines > MAX_LINES
		    ? snprintf(line, sizeof(line),
			       "tiergate: (more reads refused by the kernel "
			       "deny-read layer: see the audit log)\n")
		    : snprintf(line, sizeof(line),
			       "tiergate: refused read \"%s\" (pid %d): the "
			       "policy denies reading it (kernel deny-read "
			       "layer, fanotify)\n",
			       path, (int)pid);
	if (n > 0)
		(void)!write(err, line, (size_t)n < sizeof(line)
					    ? (size_t)n
					    : sizeof(line) - 1);
}

/* Does the opener (a thread blocked in its open: FAN_REPORT_TID) open
 * for writing only? Read from its saved system call arguments
 * (/proc/TID/syscall), which no other thread can change while it waits:
 * open, openat and creat with O_WRONLY. Anything else (openat2, whose
 * flags are in memory another thread could change after the kernel read
 * them; execve; a call not known here) is a read: why: a deny-read rule
 * refuses reads only, and write opens are decided by policyd (the
 * seccomp filter notifies them), so refusing them here would refuse
 * what the policy allows. */
static bool opener_writes_only(pid_t tid)
{
	char f[64], buf[512];
	snprintf(f, sizeof(f), "/proc/%d/syscall", (int)tid);
	_cleanup_close_ int fd = open(f, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	long nr;
	unsigned long long a[3];
	if (sscanf(buf, "%ld %llx %llx %llx", &nr, &a[0], &a[1], &a[2]) != 4)
		return false;
#ifdef SYS_open
	if (nr == SYS_open)
		return (a[1] & O_ACCMODE) == O_WRONLY;
#endif
#ifdef SYS_creat
	if (nr == SYS_creat)
		return true;
#endif
	if (nr == SYS_openat)
		return (a[2] & O_ACCMODE) == O_WRONLY;
	return false;
}

/* The opened file's inode will not ask again (an ignore mark that
 * survives writes). Why this is sound when the file is later renamed or
 * linked to a denied name: the mark is made only for an inode opened
 * under a name the plan does not deny (never for a write-only open of a
 * denied name), and that open could have kept its descriptor, which reads
 * the same inode, whatever its content and names become; the mark gives
 * the session no content it could not read so. Best effort: without it
 * the next open asks again. */
static void remember_allowed(struct fanlisten *fl, int fd)
{
	if (fl->nignored >= MAX_IGNORED)
		return;
	if (fanotify_mark(fl->fd,
			  FAN_MARK_ADD | FAN_MARK_IGNORED_MASK |
			      FAN_MARK_IGNORED_SURV_MODIFY,
			  FAN_OPEN_PERM, fd, NULL) == 0)
		fl->nignored++;
}

/* Answers one event. A path that cannot be known is refused. */
static void answer(struct fanlisten *fl, const struct fanotify_event_metadata *m,
		   int err, int report, unsigned *lines)
{
	static char path[PATH_MAX];
	bool deny = event_path(m->fd, path, sizeof(path)) < 0;
	if (deny) {
		snprintf(path, sizeof(path), "(a file whose name cannot be "
					     "read)");
	} else if (fanlisten_denies(fl, path)) {
		deny = !opener_writes_only(m->pid);
	} else {
		remember_allowed(fl, m->fd);
	}
	/* told before it is answered: the reader may end the session at
	 * once, and the listener with it */
	if (deny)
		refused(err, report, m->pid, path, lines);
	struct fanotify_response r = {.fd = m->fd,
				      .response = deny ? FAN_DENY : FAN_ALLOW};
	if (write(fl->fd, &r, sizeof(r)) != sizeof(r)) {
		/* why, for whoever reads agent-shell's line after it */
		fprintf(stderr, "tiergate: deny-read listener: answer: %s\n",
			strerror(errno));
		_exit(1); /* agent-shell ends the session */
	}
	close(m->fd);
}

static volatile sig_atomic_t orphaned;
static dev_t ns_dev; /* the session's mount namespace, from the first event
			(0: none seen) */
static ino_t ns_ino;

static void learn_ns(pid_t tid)
{
	char p[64];
	struct stat st;
	snprintf(p, sizeof(p), "/proc/%d/ns/mnt", (int)tid);
	if (!ns_ino && stat(p, &st) == 0) {
		ns_dev = st.st_dev;
		ns_ino = st.st_ino;
	}
}

/* Is a process left in the session's mount namespace? (Its processes can
 * neither leave it nor let another in: unshare and setns are refused.) */
static bool ns_alive(void)
{
	if (!ns_ino)
		return false;
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool alive = false;
	while (d && !alive && (e = readdir(d))) {
		char p[300];
		struct stat st;
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%s/ns/mnt", e->d_name);
		alive = stat(p, &st) == 0 && st.st_ino == ns_ino &&
			st.st_dev == ns_dev;
	}
	if (d)
		closedir(d);
	return alive || !d; /* (/proc unreadable: stay) */
}

static pid_t parent; /* agent-shell */

/* Interrupts the read; orphaned only when agent-shell really is gone (a
 * SIGUSR1 from anyone else changes nothing). */
static void on_parent_death(int sig)
{
	(void)sig;
	if (getppid() != parent)
		orphaned = 1;
}

/* The listener's loop; any error it cannot answer past ends it (and so
 * the session: fail closed). */
__attribute__((noreturn)) static void serve(struct fanlisten *fl, int err,
					    int report)
{
	static char buf[64 * 1024] __attribute__((aligned(8)));
	unsigned lines = 0;
	for (;;) {
		if (orphaned && report >= 0) {
			/* agent-shell is gone: the session's processes left
			 * are still answered, but its connection is let go,
			 * so that policyd sees the session end as before */
			close(report);
			report = -1;
		}
		/* orphaned: ends once no process of the session is left to
		 * ask (nothing can wait on it then) */
		struct pollfd pf = {.fd = fl->fd, .events = POLLIN};
		if (orphaned && poll(&pf, 1, 1000) == 0) {
			if (!ns_alive())
				_exit(0);
			continue;
		}
		ssize_t n = read(fl->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr,
				"tiergate: deny-read listener: read: %s\n",
				n < 0 ? strerror(errno) : "end of events");
			_exit(1);
		}
		struct fanotify_event_metadata *m = (void *)buf;
		for (; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			if (m->vers != FANOTIFY_METADATA_VERSION) {
				fprintf(stderr,
					"tiergate: deny-read listener: "
					"event of version %u\n",
					(unsigned)m->vers);
				_exit(1);
			}
			if (m->fd >= 0) {
				learn_ns(m->pid);
				answer(fl, m, err, report, &lines);
			}
		}
	}
}

pid_t fanlisten_start(struct fanlisten *fl, int err, int report)
{
	parent = getpid();
	pid_t p = fork();
	if (p < 0)
		return -errno;
	if (p > 0)
		return p;
	prctl(PR_SET_NAME, "tg-denyread");
	/* the operator's keys stop the session, not its listener (agent-shell
	 * forwards them to the command) */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = {.sa_handler = on_parent_death};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGUSR1);
	if (getppid() != parent)
		orphaned = 1; /* (agent-shell died before the prctl) */
	serve(fl, err, report);
}
