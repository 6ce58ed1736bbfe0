/* SPDX-License-Identifier: MIT */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h> /* FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR, fscrypt */
#include <linux/fsverity.h> /* FS_IOC_ENABLE_VERITY */
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <netinet/in.h> /* IP_OPTIONS, IPV6_RTHDR, IP_TRANSPARENT */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h> /* RENAME_WHITEOUT */
#include <stdlib.h>
#include <sys/stat.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <linux/filter.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "missing.h"
#include "syscalls.h"
#include "tg_proto.h"
#include "util.h"

bool sandbox_available(const char **why)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL) {
		*why = "the kernel has no seccomp";
		return false;
	}
	const struct scmp_version *v = seccomp_version();
	if (!v) {
		*why = "libseccomp is unusable";
		return false;
	}
	return true;
}

bool sandbox_notify_available(void)
{
#ifdef TIERGATE_TEST_HOOKS
	/* the test build only: a session decided by the interposer (with the
	 * refusal filter and Landlock), as on a kernel without seccomp user
	 * notification: tests of the interposer's path */
	if (secure_getenv("TIERGATE_TEST_NO_NOTIFY"))
		return false;
#endif
	unsigned action = SECCOMP_RET_USER_NOTIF;
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

int sandbox_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	return abi > 0 ? (int)abi : 0;
}

static int ll_add(int rfd, const char *path, __u64 dir_access,
		  __u64 file_access)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return 0; /* a tree that does not exist yet cannot be written to
			   */
	struct stat st;
	struct landlock_path_beneath_attr pb = {.parent_fd = fd};
	if (fstat(fd, &st) < 0)
		return -errno;
	pb.allowed_access = S_ISDIR(st.st_mode) ? dir_access : file_access;
	if (pb.allowed_access &&
	    syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &pb,
		    0) < 0)
		return -errno;
	return 0;
}

/* What the scratch directory's unnotified calls need (TG_SCRATCH_FD):
 * making and removing names, renaming and linking within it. Granted
 * beneath it only (the filter lets through only opens that make a file,
 * O_CREAT|O_EXCL, never one that opens a file which exists for writing) */
#define SCRATCH_RIGHTS                                                         \
	(LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR |           \
	 LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REMOVE_FILE |        \
	 LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REFER)

/* The scratch directory's rule: the directory agent-shell made and holds
 * at TG_SCRATCH_FD (never opened again by its name, which another process
 * of the user could have swapped for a symlink meanwhile). Where the domain
 * handles writing and truncating (a deny-default policy), a file made there
 * must be writable too: opens of files that exist stay notified, so this
 * grants no more. */
static int ll_add_scratch(int rfd, __u64 handled)
{
	struct landlock_path_beneath_attr pb = {
	    .parent_fd = TG_SCRATCH_FD,
	    .allowed_access =
		SCRATCH_RIGHTS | (handled & (LANDLOCK_ACCESS_FS_WRITE_FILE |
					     LANDLOCK_ACCESS_FS_TRUNCATE))};
	return syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH,
		       &pb, 0) < 0
		   ? -errno
		   : 0;
}

/* scratch: the domain confines the scratch directory's calls (the caller
 * checked for a listener: every other call that makes or removes a name
 * is notified and done by policyd, outside the domain) */
static int apply_landlock(const struct sandbox_fs *fs, bool scratch,
			  const char **what)
{
	if (!fs)
		return 0;
	int abi = sandbox_landlock_abi();
	if (!abi)
		return 0; /* reported by policyctl status; the other layers stay
			   */
	__u64 write =
	    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
	    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
	    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
	    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
	    LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
	__u64 wfile = LANDLOCK_ACCESS_FS_WRITE_FILE;
	if (abi >= 2)
		write |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3) {
		write |= LANDLOCK_ACCESS_FS_TRUNCATE;
		wfile |= LANDLOCK_ACCESS_FS_TRUNCATE;
	}
	/* linux/landlock.h of 6.12 (scoped, ABI 6); Debian 12's predates it */
	struct tg_landlock_ruleset_attr ra = {0};
	/* why: even when the policy restricts no path the session gets a
	 * Landlock domain: a process in a domain cannot ptrace-access one
	 * outside it, whatever its uid or capabilities, so the agent cannot
	 * reach into agent-shell (which keeps the seccomp listener and the
	 * in-flight table) or policyd through /proc/PID/mem, /proc/PID/fd or
	 * pidfd_getfd. Such a domain handles only the making of block
	 * devices (granted nowhere; it needs CAP_MKNOD anyway), which takes
	 * nothing a session should have */
	/* From ABI 6 the domain is scoped to signals and abstract Unix
	 * sockets instead: no signal from the session reaches a process
	 * outside it (agent-shell, policyd, anything else on the machine), no
	 * abstract socket made outside it is reachable, and a domain that
	 * handles no file
	 * access costs file opens nothing (the block-device one costs about
	 * 7% of an open, in Landlock's open and free hooks) */
	size_t rsz = 2 * sizeof(__u64);
	if (abi >= 6) {
		/* LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET:
		 * abstract socket names have no file a policy rule could
		 * name, and one made outside the session (a bus, a user's
		 * systemd) is a way out of it */
		ra.scoped = TG_LANDLOCK_SCOPE_SIGNAL |
			    TG_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
		rsz = sizeof(ra);
	}
	if (!fs->write_all)
		ra.handled_access_fs = write;
	else if (!ra.scoped)
		ra.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_BLOCK;
	if (!fs->exec_all)
		ra.handled_access_fs |= LANDLOCK_ACCESS_FS_EXECUTE;
	/* the scratch directory's rights, beneath it alone: the policy's
	 * write areas lose them (their names are made by policyd, decided
	 * and audited; granted there, a call through the scratch descriptor
	 * with "../" or an absolute name would make them undecided) */
	scratch = scratch && abi >= 2 && fs->scratch;
	__u64 area = write;
	if (scratch) {
		ra.handled_access_fs |= SCRATCH_RIGHTS;
		area &= ~(__u64)SCRATCH_RIGHTS;
	}
	*what = "landlock_create_ruleset";
	int rfd = (int)syscall(SYS_landlock_create_ruleset, &ra, rsz, 0);
	if (rfd < 0)
		return -errno;
	int r = 0;
	*what = "landlock_add_rule";
	for (size_t i = 0; !fs->write_all && r == 0 && i < fs->nwrite; i++)
		r = ll_add(rfd, fs->write[i], area, wfile);
	if (scratch && r == 0)
		r = ll_add_scratch(rfd, ra.handled_access_fs);
	if (!fs->exec_all) {
		for (size_t i = 0; r == 0 && i < fs->nexec; i++)
			r = ll_add(rfd, fs->exec[i], LANDLOCK_ACCESS_FS_EXECUTE,
				   LANDLOCK_ACCESS_FS_EXECUTE);
		/* the kernel execs the ELF interpreter of every dynamic
		 * program: it must stay executable */
		char interp[PATH_MAX];
		if (r == 0 && realpath("/lib64/ld-linux-x86-64.so.2", interp))
			r = ll_add(rfd, interp, 0, LANDLOCK_ACCESS_FS_EXECUTE);
	}
	if (r == 0) {
		*what = "landlock_restrict_self";
		if (syscall(SYS_landlock_restrict_self, rfd, 0) < 0)
			r = -errno;
	}
	close(rfd);
	return r < 0 ? r : scratch;
}

/* socket(family, type, protocol) notified when it may make a raw or packet
 * socket, read as the kernel reads them: the type is an int whose low four
 * bits are the kind (SOCK_NONBLOCK and SOCK_CLOEXEC above them), the family
 * an int. SOCK_RAW in every family but netlink's (every resolver opens a
 * raw netlink socket, which reaches no network; AF_UNIX maps SOCK_RAW to a
 * datagram socket and is let through by policyd), SOCK_PACKET in any (the
 * kernel makes AF_INET's an AF_PACKET socket), AF_PACKET of any type. And
 * SCTP's: protocol IPPROTO_SCTP in any family, SOCK_SEQPACKET in AF_INET
 * and AF_INET6 (the kernel's only such protocol there; policyd tells). */
static int add_raw_socket_rules(scmp_filter_ctx ctx, uint32_t N,
				const struct tg_syscall *sc, unsigned type_arg)
{
	static const int inet[] = {AF_INET, AF_INET6};
	for (size_t i = 0; i < TG_ARRAY_SIZE(inet); i++) {
		int r = seccomp_rule_add(
		    ctx, N, sc->nr, 2,
		    SCMP_CMP(type_arg, SCMP_CMP_MASKED_EQ, 0xf, SOCK_SEQPACKET),
		    SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu,
			    (unsigned)inet[i]));
		if (r < 0)
			return r;
	}
	int r = seccomp_rule_add(ctx, N, sc->nr, 1,
				 SCMP_CMP(type_arg + 1, SCMP_CMP_MASKED_EQ,
					  0xffffffffu, IPPROTO_SCTP));
	if (r == 0)
		r = seccomp_rule_add(
		    ctx, N, sc->nr, 2,
		    SCMP_CMP(type_arg, SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW),
		    SCMP_A0(SCMP_CMP_NE, AF_NETLINK));
	if (r == 0)
		r = seccomp_rule_add(
		    ctx, N, sc->nr, 1,
		    SCMP_CMP(type_arg, SCMP_CMP_MASKED_EQ, 0xf, SOCK_PACKET));
	if (r == 0)
		r = seccomp_rule_add(
		    ctx, N, sc->nr, 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, AF_PACKET));
	return r;
}

/* The scratch directory's calls (TG_SCRATCH_FD): notified unless every
 * directory descriptor they take is that number exactly (compared as 64
 * bits: a caller setting high bits is notified, never let through) and
 * they can only make or remove a name there: opens with O_CREAT|O_EXCL (a
 * file that exists is never opened), renames without RENAME_WHITEOUT (a
 * device node), links without AT_EMPTY_PATH (a descriptor's file). Landlock
 * confines what gets through (apply_landlock). 1: sc is not such a call. */
static int add_scratch_rules(scmp_filter_ctx ctx, const struct tg_syscall *sc,
			     uint32_t N)
{
	static const unsigned long wbits[] = {O_WRONLY, O_RDWR, O_CREAT,
					      O_TRUNC};
	const scmp_datum_t S = TG_SCRATCH_FD;
	int r = 0;
	switch (sc->nr) {
	case SCMP_SYS(openat):
		/* a write flag w with: another descriptor; no O_CREAT; no
		 * O_EXCL. One comparison per argument and rule (libseccomp):
		 * "w and not O_CREAT" is (flags & (w|O_CREAT)) == w */
		for (size_t i = 0; r == 0 && i < TG_ARRAY_SIZE(wbits); i++) {
			unsigned long w = wbits[i];
			r = seccomp_rule_add(
			    ctx, N, sc->nr, 2,
			    SCMP_A2(SCMP_CMP_MASKED_EQ, w, w),
			    SCMP_A0(SCMP_CMP_NE, S));
			if (r == 0 && w != O_CREAT)
				r = seccomp_rule_add(
				    ctx, N, sc->nr, 1,
				    SCMP_A2(SCMP_CMP_MASKED_EQ, w | O_CREAT,
					    w));
			if (r == 0)
				r = seccomp_rule_add(
				    ctx, N, sc->nr, 1,
				    SCMP_A2(SCMP_CMP_MASKED_EQ, w | O_EXCL,
					    w));
		}
		return r;
	case SCMP_SYS(mkdirat):
	case SCMP_SYS(unlinkat):
		return seccomp_rule_add(ctx, N, sc->nr, 1,
					SCMP_A0(SCMP_CMP_NE, S));
	case SCMP_SYS(symlinkat):
		return seccomp_rule_add(ctx, N, sc->nr, 1,
					SCMP_A1(SCMP_CMP_NE, S));
	case SCMP_SYS(renameat2):
		r = seccomp_rule_add(ctx, N, sc->nr, 1,
				     SCMP_A4(SCMP_CMP_MASKED_EQ,
					     RENAME_WHITEOUT,
					     RENAME_WHITEOUT));
		/* fall through */
	case SCMP_SYS(renameat):
	case SCMP_SYS(linkat):
		if (r == 0 && sc->nr == SCMP_SYS(linkat))
			r = seccomp_rule_add(ctx, N, sc->nr, 1,
					     SCMP_A4(SCMP_CMP_MASKED_EQ,
						     AT_EMPTY_PATH,
						     AT_EMPTY_PATH));
		if (r == 0)
			r = seccomp_rule_add(ctx, N, sc->nr, 1,
					     SCMP_A0(SCMP_CMP_NE, S));
		return r ? r
			 : seccomp_rule_add(ctx, N, sc->nr, 1,
					    SCMP_A2(SCMP_CMP_NE, S));
	default:
		return 1;
	}
}

/* setsockopt of an option that sends a packet elsewhere than the address
 * of the connect or send policyd (and eBPF) decided, or from an address
 * that is not this machine's. A source route: the kernel sends the packet
 * to the route's first hop: IPv4's IP_OPTIONS (a loose or strict source
 * route; no other option is of use to a session), IPv6's routing headers
 * (a segment routing header needs no privilege) and the sticky control
 * messages of RFC 2292 that can hold one. */
static const int route_sockopts[][2] = {{IPPROTO_IP, IP_OPTIONS},
					{IPPROTO_IPV6, IPV6_RTHDR},
					{IPPROTO_IPV6, IPV6_2292RTHDR},
					{IPPROTO_IPV6, IPV6_2292PKTOPTIONS}};
/* A source that is not this machine's (refused since 2026-12-07): a
 * transparent socket (CAP_NET_RAW, which a root session keeps) sends
 * from any address, bound or named by IP_PKTINFO; a free-binding IPv6
 * socket (no privilege at all) sends from any address it binds or names
 * by IPV6_PKTINFO (an IPv4 one's route lookup refuses a source not of
 * this machine, but IP_FREEBIND sets the same bit on an IPv6 socket, and
 * the filter cannot see the socket's family). Either answers as a
 * resolver, or as any peer a program trusts by its address. And a mark
 * (SO_MARK: CAP_NET_RAW), which the host's fwmark rules route by: the
 * address decided reached through another table (a VPN's tunnel left,
 * wg-quick's mark), another host where the address names one. */
static const int source_sockopts[][2] = {{IPPROTO_IP, IP_TRANSPARENT},
					 {IPPROTO_IPV6, IPV6_TRANSPARENT},
					 {IPPROTO_IP, IP_FREEBIND},
					 {IPPROTO_IPV6, IPV6_FREEBIND},
					 {SOL_SOCKET, SO_MARK}};

/* The rules for the options of opts[n]: level (argument a) and option
 * name are ints to the kernel */
static int add_sockopt_rules(scmp_filter_ctx ctx, uint32_t N,
			     const struct tg_syscall *sc, unsigned a,
			     const int (*opts)[2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int r = seccomp_rule_add(
		    ctx, N, sc->nr, 2,
		    SCMP_CMP(a, SCMP_CMP_MASKED_EQ, 0xffffffffu,
			     (unsigned)opts[i][0]),
		    SCMP_CMP(a + 1, SCMP_CMP_MASKED_EQ, 0xffffffffu,
			     (unsigned)opts[i][1]));
		if (r < 0)
			return r;
	}
	return 0;
}

/* Both lists: source routes, and foreign sources and marks */
static int add_refused_sockopt_rules(scmp_filter_ctx ctx, uint32_t N,
				     const struct tg_syscall *sc, unsigned a)
{
	int r = add_sockopt_rules(ctx, N, sc, a, route_sockopts,
				  TG_ARRAY_SIZE(route_sockopts));
	return r ? r
		 : add_sockopt_rules(ctx, N, sc, a, source_sockopts,
				     TG_ARRAY_SIZE(source_sockopts));
}

/* The rule(s) that make the filter notify sc (action N: SCMP_ACT_NOTIFY,
 * or a refusal where nobody can be notified), or answer it by itself, as
 * its entry in common/syscalls.h says. */
static int add_notify_rule(scmp_filter_ctx ctx, const struct tg_syscall *sc,
			   uint32_t N)
{
	/* opens only when the flags ask for write, create or truncate: one
	 * rule per flag bit, (A & B) == B */
	static const unsigned long wbits[] = {O_WRONLY, O_RDWR, O_CREAT,
					      O_TRUNC};
	/* mknod of what a session may make (a file, a FIFO, a socket); the
	 * device types are refused (EPERM) by rules of their own, which a
	 * rule here without a condition would override */
	static const unsigned long kinds[] = {0, S_IFREG, S_IFIFO, S_IFSOCK};
	unsigned a = (unsigned)sc->farg;
	int r = 0;
	switch (sc->filter) {
	case TG_SCF_ALWAYS:
		return seccomp_rule_add(ctx, N, sc->nr, 0);
	case TG_SCF_WRITE_FLAGS:
		for (size_t i = 0; r == 0 && i < TG_ARRAY_SIZE(wbits); i++)
			r = seccomp_rule_add(ctx, N, sc->nr, 1,
					     SCMP_CMP(a, SCMP_CMP_MASKED_EQ,
						      wbits[i], wbits[i]));
		return r;
	case TG_SCF_MKNOD_KINDS:
		for (size_t i = 0; r == 0 && i < TG_ARRAY_SIZE(kinds); i++)
			r = seccomp_rule_add(
			    ctx, N, sc->nr, 1,
			    SCMP_CMP(a, SCMP_CMP_MASKED_EQ, S_IFMT, kinds[i]));
		return r;
	case TG_SCF_NONZERO:
		return seccomp_rule_add(ctx, N, sc->nr, 1,
					SCMP_CMP(a, SCMP_CMP_NE, 0));
	case TG_SCF_ANSWER_ENOSYS:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), sc->nr, 0);
	case TG_SCF_PRIO_WHO:
	case TG_SCF_IOPRIO_WHO:
		/* every (which, who) but the caller itself: which other than
		 * "a process", or who other than 0. (Compared as 64 bits
		 * where the kernel reads ints: a caller setting high bits is
		 * notified for nothing, never let through) */
		r = seccomp_rule_add(
		    ctx, N, sc->nr, 1,
		    SCMP_CMP(a, SCMP_CMP_NE,
			     sc->filter == TG_SCF_PRIO_WHO ? 0 /* PRIO_PROCESS */
							   : 1 /* IOPRIO_WHO_PROCESS */));
		return r ? r
			 : seccomp_rule_add(ctx, N, sc->nr, 1,
					    SCMP_CMP(a + 1, SCMP_CMP_NE, 0));
	case TG_SCF_RAW_SOCKET:
		return add_raw_socket_rules(ctx, N, sc, a);
	case TG_SCF_PRLIMIT:
		/* another process (as TG_SCF_NONZERO), or a new RLIMIT_CORE
		 * for the caller: the resource is an unsigned int to the
		 * kernel, compared on its low 32 bits (high bits set would
		 * otherwise let the kernel see RLIMIT_CORE undecided) */
		r = seccomp_rule_add(ctx, N, sc->nr, 1,
				     SCMP_CMP(a, SCMP_CMP_NE, 0));
		return r ? r
			 : seccomp_rule_add(ctx, N, sc->nr, 2,
					    SCMP_CMP(a + 1, SCMP_CMP_MASKED_EQ,
						     0xffffffffu, RLIMIT_CORE),
					    SCMP_CMP(a + 2, SCMP_CMP_NE, 0));
	case TG_SCF_RLIMIT_CORE:
		return seccomp_rule_add(
		    ctx, N, sc->nr, 1,
		    SCMP_CMP(a, SCMP_CMP_MASKED_EQ, 0xffffffffu, RLIMIT_CORE));
	case TG_SCF_IOCTL_ATTR: {
		/* the requests that change an inode's state on a descriptor
		 * of any open mode, read-only included, with no call a file
		 * rule decides (an unsigned int to the kernel): its flags and
		 * attributes (chattr); its generation (ext4 takes its own
		 * spelling too); fs-verity, which makes a file read-only for
		 * good (any file the caller could write: a root session's are
		 * all of them); fscrypt, an empty directory's encryption
		 * policy (no file made there without a key) and the file
		 * system's keys (an operator's encrypted directories locked by
		 * removing root's claim). The GET requests (lsattr, fscrypt
		 * status, fs-verity's measure) never leave the kernel */
		static const unsigned long reqs[] = {
		    FS_IOC_SETFLAGS,
		    FS_IOC_FSSETXATTR,
		    FS_IOC_SETVERSION,
		    _IOW('f', 4, long), /* EXT4_IOC_SETVERSION */
		    FS_IOC_ENABLE_VERITY,
		    FS_IOC_SET_ENCRYPTION_POLICY,
		    FS_IOC_ADD_ENCRYPTION_KEY,
		    FS_IOC_REMOVE_ENCRYPTION_KEY,
		    FS_IOC_REMOVE_ENCRYPTION_KEY_ALL_USERS};
		for (size_t i = 0; i < TG_ARRAY_SIZE(reqs); i++)
			if ((r = seccomp_rule_add(
				 ctx, N, sc->nr, 1,
				 SCMP_CMP(a, SCMP_CMP_MASKED_EQ, 0xffffffffu,
					  reqs[i]))) < 0)
				return r;
		return 0;
	}
	case TG_SCF_SOCKOPT_ROUTE:
		return add_refused_sockopt_rules(ctx, N, sc, a);
	case TG_SCF_MAX:
	default:
		return -EINVAL; /* a table entry this filter cannot express */
	}
}

/* The calls policyd decides: the table of common/syscalls.h, which
 * policyd's kernel path dispatches by (they cannot list different calls).
 * openat2 keeps its flags in memory, where the filter cannot look and
 * where another thread can change them after policyd read them (the
 * kernel reads them again on "continue"): it answers ENOSYS, and callers
 * fall back to openat, as libc does for clone3. sendmsg/sendmmsg keep the
 * address in memory: always notified (address-less sends continue; an
 * address swapped meanwhile is the connect race of the threat model). The
 * file calls by path beyond opens are what a static program could
 * otherwise do undecided under a policy that Landlock cannot express (a
 * default other than deny); the metadata calls (modes, owners, extended
 * attributes: file capabilities and security labels live there) by path
 * or by descriptor (fchmod works on a read-only one), and timestamps. */
#define SB_ENTRY(...) TG_SC_ENTRY(__VA_ARGS__),
static const struct tg_syscall notified[] = {TG_NOTIFIED_SYSCALLS(SB_ENTRY)};
#undef SB_ENTRY

/* Not listening (a kernel with no user notification), the calls aimed at
 * other processes and raw sockets are refused (EPERM) as selected: nobody
 * could tell the session's own processes from the others (nor a new
 * RLIMIT_CORE that lowers the limit from one that raises it: setrlimit
 * and prlimit64 of RLIMIT_CORE fail there, `ulimit -c 0` too). */
static int add_notify_rules(scmp_filter_ctx ctx, bool listening,
			    bool scratch, const char **what)
{
	for (size_t i = 0; i < TG_ARRAY_SIZE(notified); i++) {
		const struct tg_syscall *sc = &notified[i];
		bool fail_closed = sc->family == TG_SC_PROC ||
				   sc->family == TG_SC_SOCKET;
		if (!listening && !fail_closed)
			continue;
		*what = sc->name;
		int r = 1;
		if (listening && scratch)
			r = add_scratch_rules(ctx, sc, SCMP_ACT_NOTIFY);
		if (r == 1)
			r = add_notify_rule(ctx, sc,
					    listening ? SCMP_ACT_NOTIFY
						      : SCMP_ACT_ERRNO(EPERM));
		if (r < 0)
			return r;
	}
	return 0;
}

/* Loads the filter with a user-notify listener. libseccomp 2.5 cannot ask
 * for killable waits, so the program is exported and loaded here. */
static int load_with_listener(scmp_filter_ctx ctx, int *listener)
{
	_cleanup_close_ int mfd = memfd_create("tiergate-bpf", MFD_CLOEXEC);
	if (mfd < 0)
		return -errno;
	int r = seccomp_export_bpf(ctx, mfd);
	off_t len = lseek(mfd, 0, SEEK_CUR);
	if (r < 0 || len <= 0 || len % (off_t)sizeof(struct sock_filter) ||
	    len > 65536 * (off_t)sizeof(struct sock_filter))
		return r < 0 ? r : -EINVAL;
	_cleanup_free_ struct sock_filter *ins = malloc((size_t)len);
	if (!ins || pread(mfd, ins, (size_t)len, 0) != (ssize_t)len)
		return -EIO;
	struct sock_fprog prog = {
	    .len = (unsigned short)(len / (off_t)sizeof(struct sock_filter)),
	    .filter = ins};
	/* a waiting caller can still be killed (kernel 5.19+) */
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			  SECCOMP_FILTER_FLAG_NEW_LISTENER |
			      SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
			  &prog);
	if (fd < 0 && errno == EINVAL)
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			     SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		return -errno;
	*listener = (int)fd;
	return 0;
}

/*
 * Capabilities a session never keeps, even as root: administering the
 * machine (mounts, networking, modules, raw I/O, the clock, booting),
 * reaching into other processes, making device nodes, immutable files,
 * file capabilities, BPF and perf. With no_new_privs nothing brings them
 * back. What stays is what root's file work needs (DAC override, chown,
 * fowner, fsetid, setuid/setgid), binding low ports, NET_RAW (raw and
 * packet sockets are refused at socket() unless the policy allows them:
 * policyd's sv_socket), locking memory, nice and resource limits (on the
 * session's own processes only: policyd's sv_proc).
 */
static const int dropped_caps[] = {
    2 /* DAC_READ_SEARCH: open_by_handle_at */,
    9 /* LINUX_IMMUTABLE */,
    12 /* NET_ADMIN */,
    16 /* SYS_MODULE */,
    17 /* SYS_RAWIO */,
    18 /* SYS_CHROOT */,
    19 /* SYS_PTRACE */,
    20 /* SYS_PACCT */,
    21 /* SYS_ADMIN */,
    22 /* SYS_BOOT */,
    25 /* SYS_TIME */,
    26 /* SYS_TTY_CONFIG */,
    27 /* MKNOD */,
    29 /* AUDIT_WRITE */,
    30 /* AUDIT_CONTROL */,
    31 /* SETFCAP */,
    32 /* MAC_OVERRIDE */,
    33 /* MAC_ADMIN */,
    34 /* SYSLOG */,
    35 /* WAKE_ALARM */,
    36 /* BLOCK_SUSPEND */,
    38 /* PERFMON */,
    39 /* BPF */,
    40 /* CHECKPOINT_RESTORE */,
    8 /* SETPCAP: last, the bounding set needs it */};

/* Drops dropped_caps from the bounding set (needs CAP_SETPCAP, which only
 * a privileged caller has; an unprivileged one has nothing to drop) and
 * from the effective, permitted and inheritable sets; clears ambient. */
static int drop_caps(void)
{
	struct tg_cap_header h = {.version = TG_CAP_VERSION_3, .pid = 0};
	struct tg_cap_data d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	bool have_setpcap = d[0].effective & (1u << TG_CAP_SETPCAP);
	for (size_t i = 0; i < TG_ARRAY_SIZE(dropped_caps); i++) {
		int c = dropped_caps[i];
		if (have_setpcap && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return -errno;
		d[c / 32].effective &= ~(1u << (c % 32));
		d[c / 32].permitted &= ~(1u << (c % 32));
		d[c / 32].inheritable &= ~(1u << (c % 32));
	}
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return 0;
}

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* The calls a session never makes, refused with EPERM (or ENOSYS): by
 * name (common/syscalls.h's TG_SC_REFUSE rows, which policyd refuses and
 * explains when there is a listener: refused here only without one), and by
 * their arguments (namespaces, shared memory or descriptors outside
 * threads, device nodes, user-notify listeners). */
static int add_refusal_rules(scmp_filter_ctx ctx, bool notify,
			     const char **what)
{
	int r;
	for (size_t i = 0; !notify && i < TG_ARRAY_SIZE(notified); i++) {
		if (notified[i].family != TG_SC_REFUSE)
			continue;
		*what = notified[i].name;
		/* as selected (ioctl: two requests, not every ioctl) */
		if ((r = add_notify_rule(ctx, &notified[i],
					 SCMP_ACT_ERRNO(EPERM))) < 0)
			return r;
	}
	/* clone with any namespace flag: one rule per flag, (A0 & F) == F */
	static const unsigned long ns[] = {
	    CLONE_NEWNS,  CLONE_NEWUSER, CLONE_NEWPID,	  CLONE_NEWNET,
	    CLONE_NEWIPC, CLONE_NEWUTS,	 CLONE_NEWCGROUP, CLONE_NEWTIME};
	*what = "clone";
	for (size_t i = 0; i < TG_ARRAY_SIZE(ns); i++)
		if ((r = seccomp_rule_add(
			 ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
			 SCMP_A0(SCMP_CMP_MASKED_EQ, ns[i], ns[i]))) < 0)
			return r;
	/* clone(CLONE_VM) that is neither a thread nor a vfork: a process
	 * that runs on in another's memory could rewrite an argv policyd has
	 * checked, and no thread count shows it. With this refused, whoever
	 * shares a caller's memory is a thread of it or of a vfork parent up
	 * its line (policyd walks that line, see caller_racy) */
	if ((r = seccomp_rule_add(
		 ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
		 SCMP_A0(SCMP_CMP_MASKED_EQ,
			 CLONE_VM | CLONE_VFORK | CLONE_THREAD, CLONE_VM))) < 0)
		return r;
	/* clone(CLONE_FILES) that is not a thread: a process sharing the
	 * caller's descriptor table could re-point the descriptor of an
	 * fexecve (dup2) after policyd decided on it, and no thread count
	 * shows it. With this refused, whoever shares a caller's descriptors
	 * is one of its threads (caller_racy counts them) */
	if ((r = seccomp_rule_add(
		 ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
		 SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_FILES | CLONE_THREAD,
			 CLONE_FILES))) < 0)
		return r;
	/* clone(CLONE_FS) that is not a thread: a process sharing the
	 * caller's working directory could change it (chdir) between
	 * policyd's answer and the kernel's walk of a relative name that
	 * only the kernel can open (a FIFO, a /proc file: continue_unsafe
	 * in policyd/sv_open.c), and no thread count shows it. With this
	 * refused, whoever shares a caller's directory is one of its
	 * threads (caller_racy counts them) */
	if ((r = seccomp_rule_add(
		 ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
		 SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_FS | CLONE_THREAD,
			 CLONE_FS))) < 0)
		return r;
	/* device nodes: a block device made in a writable place would be
	 * the whole disk behind every file rule (root sessions have
	 * CAP_MKNOD). FIFOs and sockets stay (policyd decides the name) */
	*what = "mknod";
	static const unsigned long devs[] = {S_IFBLK, S_IFCHR};
	for (size_t i = 0; i < TG_ARRAY_SIZE(devs); i++)
		if ((r = seccomp_rule_add(
			 ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mknod), 1,
			 SCMP_A1(SCMP_CMP_MASKED_EQ, S_IFMT, devs[i]))) < 0 ||
		    (r = seccomp_rule_add(
			 ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mknodat), 1,
			 SCMP_A2(SCMP_CMP_MASKED_EQ, S_IFMT, devs[i]))) < 0)
			return r;
	/* clone3 passes its flags in memory a filter cannot read: say it does
	 * not exist, and libc falls back to clone, which is checked above */
	*what = "clone3";
	if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
				  0)) < 0)
		return r;
	/* the terminal: agent-shell shares the operator's tty, and TIOCSTI
	 * pushes input the operator's shell reads (and runs) after the
	 * session; TIOCLINUX can do the same through the console's paste
	 * buffer. On any descriptor (a dup, a /dev/tty opened anew); the
	 * kernel reads the request as an unsigned int */
	*what = "ioctl";
	static const unsigned long tty_in[] = {TIOCSTI, TIOCLINUX};
	for (size_t i = 0; i < TG_ARRAY_SIZE(tty_in); i++)
		if ((r = seccomp_rule_add(
			 ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
			 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, tty_in[i]))) <
		    0)
			return r;
	/* seccomp(): filters may be stacked, but never with a user-notify
	 * listener (that would let the session supervise itself) */
	*what = "seccomp";
	if ((r = seccomp_rule_add(
		 ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(seccomp), 2,
		 SCMP_A0(SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER),
		 SCMP_A1(SCMP_CMP_MASKED_EQ, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			 SECCOMP_FILTER_FLAG_NEW_LISTENER))) < 0)
		return r;
	return 0;
}

int sandbox_apply(struct sandbox_fs *fs, int *listener, const char **what)
{
	*what = "dropping capabilities";
	int dr = drop_caps();
	if (dr < 0)
		return dr;
	/* why: with no_new_privs a setuid program run by the agent cannot
	 * gain privileges the session was not given, and an unprivileged
	 * process may install the filter */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		*what = "no_new_privs";
		return -errno;
	}
	/* the scratch directory's calls let through only where Landlock
	 * confines them and every other name is made by policyd (a listener:
	 * a nested session's calls are notified by the outer filter, which
	 * made its own choice) */
	int r = apply_landlock(fs, listener != NULL, what);
	if (r < 0)
		return r;
	bool scratch = r == 1;
	if (fs)
		fs->scratch_fast = scratch;
	__attribute__((cleanup(seccomp_releasep))) scmp_filter_ctx ctx =
	    seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		*what = "seccomp_init";
		return -ENOMEM;
	}
	/* why: a second ABI is a second syscall table the rules below do not
	 * cover (int 0x80 reaches the i386 calls); kill rather than refuse */
	*what = "bad-arch action";
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
				  SCMP_ACT_KILL_PROCESS)) < 0)
		return r;
	/* every system call of the session runs this filter: a binary tree
	 * of syscall numbers instead of a linear scan (libseccomp >= 2.5) */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if ((r = add_refusal_rules(ctx, listener != NULL, what)) < 0)
		return r;
	/* no listener: a kernel without user notification (refused here),
	 * or a nested session, which the outer filter already notifies */
	if ((listener || !sandbox_notify_available()) &&
	    (r = add_notify_rules(ctx, listener != NULL, scratch, what)) < 0)
		return r;
	if (!listener) {
		*what = "seccomp_load";
		return seccomp_load(ctx);
	}
	*what = "seccomp load (listener)";
	return load_with_listener(ctx, listener);
}
