/* SPDX-License-Identifier: MIT */
#include "caller.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "missing.h"
#include "util.h"

bool caller_same_root(struct caller *c)
{
	if (c->same_root < 0) {
		char root[TG_PATH_MAX];
		c->same_root =
		    procfs_link(c->pid, "root", root, sizeof(root)) == 0 &&
		    !strcmp(root, "/");
	}
	return c->same_root == 1;
}

/* policyd's effective uid: it never changes (acting as a caller changes
 * only the file-system ids), and it is asked on every notification */
static bool policyd_root(void)
{
	static int root = -1;
	if (root < 0)
		root = geteuid() == 0;
	return root == 1;
}

int caller_cwd(struct caller *c, char *out, size_t outsz)
{
	if (c->notified && c->have_cwd)
		return tg_strlcpy(out, outsz, c->cwd) < outsz ? 0
							     : -ENAMETOOLONG;
	int r = procfs_link(c->pid, "cwd", out, outsz);
	if (r == 0 && c->notified &&
	    tg_strlcpy(c->cwd, sizeof(c->cwd), out) < sizeof(c->cwd))
		c->have_cwd = true;
	return r;
}

int caller_creds(struct caller *c, bool want)
{
	if (!c->have_cr && (want || policyd_root())) {
		if (procfs_status(c->pid, &c->cr) < 0)
			return -ESRCH;
		c->have_cr = true;
	}
	return 0;
}

/* policyd's own umask, read once (umask cannot be read without being
 * set): every change made for a caller is undone before the next one */
static int own_umask = -1;

bool caller_umask_enter(mode_t mask)
{
	if (own_umask < 0) {
		own_umask = (int)umask(022);
		umask((mode_t)own_umask);
	}
	mask &= 0777;
	if (mask == (mode_t)own_umask)
		return false;
	umask(mask);
	return true;
}

void caller_umask_leave(void)
{
	if (own_umask >= 0)
		umask((mode_t)own_umask);
}

/* The thread's own capabilities, read once (they do not change while it
 * serves): what it goes back to after acting with a caller's. Per
 * thread, as capset and setfsuid are. */
static _Thread_local struct tg_cap_data own_caps[2];
static _Thread_local int own_caps_state; /* 0 not read, 1 read, -1 failed */
/* what caller_creds_enter changed on this thread, for caller_creds_leave */
static _Thread_local bool ids_changed, caps_changed;

/* The capabilities the kernel drops from the effective set when the
 * fsuid leaves 0 (CAP_FS_MASK): CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH,
 * FOWNER, FSETID, LINUX_IMMUTABLE, MKNOD, MAC_OVERRIDE */
#define TG_CAP_FS_MASK                                                         \
	((1ULL << 0) | (1ULL << 1) | (1ULL << 2) | (1ULL << 3) | (1ULL << 4) | \
	 (1ULL << 9) | (1ULL << 27) | (1ULL << 32))

/* Is the caller in policyd's user namespace? Its CapEff counts in its
 * own namespace only: one made inside a user namespace is no capability
 * out here (a caller with every capability of its namespace, as uid
 * 1000, would have had policyd open /etc/shadow for it). Unknown: not. */
static bool caller_same_userns(struct caller *c)
{
	static struct stat own;
	static int own_ok; /* 0 not read, 1 read, -1 failed */
	if (!own_ok)
		own_ok = stat("/proc/self/ns/user", &own) == 0 ? 1 : -1;
	if (!c->same_userns) {
		char p[64];
		struct stat st;
		snprintf(p, sizeof(p), "/proc/%d/ns/user", (int)c->pid);
		c->same_userns = own_ok == 1 && stat(p, &st) == 0 &&
					 st.st_dev == own.st_dev &&
					 st.st_ino == own.st_ino
				     ? 1
				     : 2;
	}
	return c->same_userns == 1;
}

static int own_caps_read(void)
{
	if (own_caps_state == 0) {
		struct tg_cap_header h = {.version = TG_CAP_VERSION_3};
		own_caps_state =
		    syscall(SYS_capget, &h, own_caps) == 0 ? 1 : -1;
	}
	return own_caps_state;
}

static uint64_t own_effective(void)
{
	return (uint64_t)own_caps[1].effective << 32 | own_caps[0].effective;
}

/* The effective set eff (a subset of policyd's permitted one) on this
 * thread (capset is per thread). */
static int caps_set_effective(uint64_t eff)
{
	struct tg_cap_header h = {.version = TG_CAP_VERSION_3};
	struct tg_cap_data d[2] = {own_caps[0], own_caps[1]};
	d[0].effective = (uint32_t)eff;
	d[1].effective = (uint32_t)(eff >> 32);
	return syscall(SYS_capset, &h, d) == 0 ? 0 : -errno;
}

void caller_creds_leave(void)
{
	if (ids_changed) {
		syscall(SYS_setfsuid, 0);
		syscall(SYS_setfsgid, 0);
		syscall(SYS_setgroups, (size_t)0, NULL);
		ids_changed = false;
	}
	if (caps_changed) {
		/* back to policyd's own (a failure leaves this thread with
		 * less, never more, for what it does next) */
		(void)caps_set_effective(own_effective());
		caps_changed = false;
	}
}

/* why: a root policyd acts for callers (opens, makes and removes names
 * as them): with their file-system ids when they are another user's, and
 * always with no capability they lack. Its own capabilities decided the
 * kernel's checks of what it did for them: an open of a terminal another
 * process made exclusive (TIOCEXCL: CAP_SYS_ADMIN) succeeded for a root
 * session, which has none (tests/bypass/capdeputy.sh). The change is per
 * thread (raw system calls: glibc's wrappers would change every thread's);
 * the ids are read back and capset applies whole or fails, so a failure
 * can never leave policyd acting with more than the caller has. */
int caller_creds_enter(struct caller *c, bool *ret_switched)
{
	*ret_switched = false;
	if (!policyd_root())
		return 0;
	if (own_caps_read() < 0)
		return -EACCES;
	uint64_t own = own_effective();
	bool ids = c->cr.fsuid != 0 || c->cr.fsgid != 0;
	/* what the caller has out here: its CapEff if it is in policyd's
	 * user namespace, none if not; and no file-system capability with
	 * an fsuid that is not 0, as the kernel does (a root caller whose
	 * fsgid alone is another keeps them) */
	uint64_t eff = c->cr.cap_eff & own;
	if (eff && !caller_same_userns(c))
		eff = 0;
	if (c->cr.fsuid != 0)
		eff &= ~TG_CAP_FS_MASK;
	bool caps = eff != own;
	if (!ids && !caps)
		return 0;
	if (ids) {
		ids_changed = true;
		if (syscall(SYS_setgroups, (size_t)c->cr.ngroups,
			    c->cr.groups) < 0 ||
		    (syscall(SYS_setfsgid, c->cr.fsgid),
		     (gid_t)syscall(SYS_setfsgid, -1) != c->cr.fsgid) ||
		    (syscall(SYS_setfsuid, c->cr.fsuid),
		     (uid_t)syscall(SYS_setfsuid, -1) != c->cr.fsuid)) {
			caller_creds_leave();
			return -EACCES;
		}
	}
	if (caps) {
		caps_changed = true;
		if (caps_set_effective(eff) < 0) {
			caller_creds_leave();
			return -EACCES;
		}
	}
	*ret_switched = true;
	return 0;
}

uid_t caller_uid(const struct caller *c)
{
	struct proc_status cs;
	if (!c->uid_lazy)
		return c->uid;
	if (c->have_cr) /* read by this call already */
		return c->cr.fsuid;
	return procfs_status(c->pid, &cs) == 0 ? cs.fsuid : (uid_t)-1;
}

int caller_fd(pid_t pid, int fd)
{
	_cleanup_close_ int pfd = procfs_pidfd_open(pid);
	if (pfd < 0)
		return pfd;
	int r = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	return r < 0 ? -errno : r;
}

void caller_tell(pid_t pid, const char *line, size_t len)
{
	_cleanup_close_ int fd = caller_fd(pid, 2);
	if (fd < 0)
		return;
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	if (len > 4096)
		len = 4096;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return;
	if (S_ISSOCK(st.st_mode))
		(void)!send(fd, line, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	else if (S_ISREG(st.st_mode) ||
		 (poll(&p, 1, 0) == 1 && (p.revents & POLLOUT)))
		(void)!write(fd, line, len);
}
