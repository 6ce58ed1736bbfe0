/* SPDX-License-Identifier: MIT */
/*
 * tg_proto: the wire protocol between the interposer (and agent-shell) and
 * policyd's agent socket. The only thing the two sides share; both include
 * this header.
 *
 * Transport: a SOCK_STREAM Unix socket. Every message is a fixed header
 * followed by `len` bytes of fields; each field is a tag, a length and that
 * many bytes (no padding, little-endian host order: both ends are on one
 * machine). Strings carry no NUL.
 *
 *   struct tgp_hdr { u32 magic; u16 type; u16 nfields; u32 id; u32 len; }
 *   field:          { u16 tag; u16 zero; u32 len; u8 value[len]; }
 *
 * Decoding is strict: wrong magic, unknown type or tag, a field running past
 * the message, a wrong-sized integer, a NUL inside a string, a repeated
 * singular field or more fields than the header says all reject the message
 * (policyd then closes that connection and audits it). Everything here works
 * on caller buffers and never allocates, so the interposer can use it in a
 * vfork child.
 */
#ifndef TIERGATE_PROTO_H
#define TIERGATE_PROTO_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

/* "TGP" and the protocol's version, one digit: 3 since LISTENER may carry
 * the session's scratch directory (a third descriptor, TGPF_SCRATCH), which
 * a policyd of version 2 would drop without a word (2: names reports
 * answered, TGP_NAMES_OK). A message in another version of the protocol is
 * told apart from a malformed one (-EPROTO), so that both sides can say
 * that policyd and the interposer or agent-shell come from two versions of
 * tiergate; policyd answers it with a header in its own version
 * (TGP_BAD_VERSION) before it closes the connection. */
#define TGP_MAGIC_FAMILY 0x00504754u /* "TGP" */
#define TGP_VERSION 3
#define TGP_STR_(x) #x
#define TGP_STR(x) TGP_STR_(x)
#define TGP_VERSION_TEXT TGP_STR(TGP_VERSION) /* "3", for messages */
#define TGP_MAGIC (TGP_MAGIC_FAMILY | ((uint32_t)('0' + TGP_VERSION) << 24))
#define TGP_MAX_MSG (1u << 20) /* whole message, header included */
#define TGP_MAX_ARGS 16384     /* argv entries */
#define TGP_MAX_ENV 256	       /* ENV entries (git's variables only) */
#define TGP_MAX_PATH 4096      /* path fields */
#define TGP_MAX_STR 65536      /* any other string field */
#define TGP_MAX_FIELDS (TGP_MAX_ARGS + 64)
#define TGP_MAX_GLOBS 4096   /* fast-path globs in a HELLO reply */
#define TGP_MAX_NAME_ADDRS 8 /* addresses in one NAMES report */

enum tgp_type {
	TGP_HELLO = 1,	 /* client: who am I, what can I decide locally */
	TGP_HELLO_OK,	 /* policyd: session, fail mode, fast-path globs */
	TGP_DECIDE,	 /* client: an exec/open/connect to decide */
	TGP_DECISION,	 /* policyd: the answer */
	TGP_SESSION_NEW, /* agent-shell: open a session for me */
	TGP_SESSION_OK,	 /* policyd: the session */
	TGP_ERROR,	 /* policyd: request refused (message) */
	TGP_LISTENER,	 /* agent-shell: the session's seccomp listener and
			    in-flight table (SCM_RIGHTS) */
	TGP_LISTENER_OK, /* policyd: supervising */
	TGP_NAMES,    /* client: HOST resolved to ADDRS (getaddrinfo), for the
			 kernel path's connect decisions */
	TGP_NAMES_OK, /* policyd: recorded; a connect the client makes after
			 reading this is decided with the names */
	TGP_BAD_VERSION, /* policyd: header only, to a client that speaks
			    another version (its magic says policyd's) */
	TGP_KREFUSED,	 /* agent-shell's deny-read listener: the kernel
			    refused PID's read of PATH (fanotify); policyd
			    audits it, no answer */
	TGP_TYPE_MAX,
};

enum tgp_tag {
	TGPT_KIND = 1,	 /* u32 enum tgp_kind */
	TGPT_PATH,	 /* string: path as the caller passed it */
	TGPT_PATH2,	 /* string: second path (rename/link target) */
	TGPT_DIRFD,	 /* u32 (int32): dirfd for PATH, or TGP_AT_FDCWD */
	TGPT_DIRFD2,	 /* u32 (int32): dirfd for PATH2 */
	TGPT_ACCESS,	 /* u32: POLICY_ACC_* bits */
	TGPT_ARG,	 /* string, repeated: argv */
	TGPT_HOST,	 /* string: name the caller looked up */
	TGPT_ADDR,	 /* 16 bytes: IPv6 or IPv4-mapped */
	TGPT_PORT,	 /* u32 */
	TGPT_PROTO,	 /* u32: 1 tcp, 2 udp */
	TGPT_ACTION,	 /* u32: enum policy_action */
	TGPT_RULE,	 /* string */
	TGPT_MESSAGE,	 /* string */
	TGPT_SESSION,	 /* string: session id */
	TGPT_FAIL,	 /* u32: 0 closed, 1 open */
	TGPT_FASTPATH,	 /* u32: 1 when reads may be decided locally */
	TGPT_ALLOW_GLOB, /* string, repeated */
	TGPT_SENS_GLOB,	 /* string, repeated */
	TGPT_NAME,	 /* string: session name */
	TGPT_POLICY,	 /* string: policy file */
	TGPT_TMPDIR,	 /* string */
	TGPT_TARGET,	 /* string: what policyd decided on, for messages */
	TGPT_FLAGS,	 /* u32: TGPF_* */
	TGPT_EXEC_FAST,	 /* u32: 1 when silent execs may be decided locally */
	TGPT_EXEC_ALLOW, /* string, repeated: path globs */
	TGPT_EXEC_SENS,	 /* string, repeated: path globs */
	TGPT_EXEC_SENS0, /* string, repeated: argv[0] token globs */
	TGPT_GIT_ID,	 /* string, repeated: "DEV:INO:SIZE" of a git binary */
	TGPT_GENFILE,	 /* string: file whose 8 bytes change on every reload */
	TGPT_LL_WRITE,	 /* string, repeated: Landlock write tree */
	TGPT_LL_EXEC,	 /* string, repeated: Landlock exec tree */
	TGPT_BACKSTOP,	 /* u32: HELLO_OK: the kernel notifies policyd of
			    execs, write-opens and connects (TGPB_*) */
	TGPT_ADDRS,	 /* 16 bytes each, 1 to TGP_MAX_NAME_ADDRS of them */
	TGPT_ENV,	 /* string, repeated (at most TGP_MAX_ENV): DECIDE exec:
			    "NAME=VALUE" of the exec's environment that git
			    reads (GIT_*, HOME, XDG_CONFIG_HOME, --config-env's) */
	TGPT_MASK_PATH,	 /* string, repeated: SESSION_OK: a file every read
			    of which is denied (masked by agent-shell) */
	TGPT_MASK_TREE,	 /* string, repeated: a tree likewise */
	TGPT_MASK_GLOB,	 /* string, repeated: a deny-read glob no mask covers */
	TGPT_GENERATION, /* string: HELLO_OK: RUNDIR/generation's value it
			    was made under, in decimal (policyd/hello.h) */
	TGPT_PID,	 /* u32: KREFUSED: the process refused */
	TGPT_TAG_MAX,
};
/* the decoder keeps one bit per tag that may appear only once */
_Static_assert(TGPT_TAG_MAX <= 64, "tags must fit in singular_seen");

enum tgp_kind {
	TGPK_EXEC = 1,
	TGPK_OPEN,
	TGPK_CONNECT,
	TGPK_KIND_MAX,
};

#define TGP_AT_FDCWD 0xffffff9cu /* (uint32_t)AT_FDCWD */
#define TGPF_FEXEC 1u		 /* exec by fd: PATH is "/proc/self/fd/N" */
#define TGPF_SECCOMP                                                           \
	2u /* SESSION_NEW: agent-shell installs its seccomp filter */
#define TGPF_LL_WRITE                                                          \
	4u /* SESSION_OK: Landlock restricts writes to the LL_WRITE trees */
#define TGPF_LL_EXEC                                                           \
	8u /* SESSION_OK: Landlock restricts execs to the LL_EXEC trees */
#define TGPF_LANDLOCK 16u /* SESSION_NEW: agent-shell can apply Landlock */
/* One space of TGPF_* bits for every message, so that no flag can be read
 * as another's (32u is free). */
#define TGPF_ABSENT                                                            \
	64u /* DECIDE of a read: the caller found no such name; only a deny    \
	       by a rule is a refusal (nothing waits, nothing else audited) */
#define TGPF_LANDLOCK_WHY                                                      \
	128u /* DECIDE: the kernel failed this call, which the interposer let  \
		through, with EACCES: was it Landlock? */
#define TGPF_UNIX_ABSTRACT                                                     \
	256u /* DECIDE connect: PATH is an abstract Unix socket name, spelled  \
		by tgp_unix_abstract */
#define TGPF_MASK                                                              \
	512u /* SESSION_OK: the deny-read plan (MASK_*) is stated in full */
#define TGPF_QUIET                                                             \
	1024u /* DECISION: a refusal the interposer does not tell (a link by   \
		 git that a copy replaces: git falls back to copying) */
#define TGPF_SCRATCH                                                           \
	2048u /* SESSION_OK: the policy asks for a private scratch directory   \
		 (settings: scratch: private; docs/policy-language.md) */

/* The session's private scratch directory (TGPF_SCRATCH): agent-shell makes
 * it, names it in TMPDIR and TIERGATE_SCRATCH, and keeps it open (O_PATH, no
 * close-on-exec) at this descriptor number. The session's filter lets the
 * calls that make or remove names through unnotified when their directory
 * descriptor is this number, and its Landlock domain allows making and
 * removing names only beneath that directory; the interposer turns such
 * calls on names under it into calls relative to this descriptor. Landlock,
 * not the number, is the boundary: a process that re-points the number
 * reaches nothing more, and the directory itself stays where it is (policyd
 * keeps it: tiergate-self; docs/threat-model.md, "The scratch directory"). */
#define TG_SCRATCH_FD 1021
#define TG_SCRATCH_ENV "TIERGATE_SCRATCH"

/* TGPT_BACKSTOP bits: what the interposer leaves to the kernel path */
#define TGPB_EXEC 1u
#define TGPB_OPEN_WRITE 2u
#define TGPB_CONNECT 4u
#define TGPB_FS                                                                \
	8u /* rename, link, unlink, rmdir, mkdir, symlink, mknod,              \
	      truncate by path */

/* The in-flight table: agent-shell creates a memfd of this size and sends
 * it with the listener; policyd records each notification it is handling,
 * so that a policyd restarted after a crash can answer them. A call
 * policyd has already carried out is marked so before it is answered, and
 * the next policyd answers it from the mark instead of doing it again. */
#define TGP_INFLIGHT_SLOTS 64
#define TGP_INFLIGHT_BYTES 8192
#define TGP_IFL_DONE 1u /* performed: answer with errno -value (0: success) */
#define TGP_IFL_FD 2u	/* descriptor value put in the caller (file dev/ino) */
#ifdef __linux__
#include <linux/seccomp.h>
/* Linux 6.6 (older headers lack them): the listener's faster wake-up, set
 * by policyd on the listener agent-shell hands it (and by bench_floor) */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
struct tgp_inflight {
	uint64_t used;
	struct seccomp_notif n;
	uint32_t state; /* 0, TGP_IFL_DONE or TGP_IFL_FD; written last */
	int32_t value;
	uint64_t dev, ino;
};
_Static_assert(sizeof(struct tgp_inflight) * TGP_INFLIGHT_SLOTS <=
		   TGP_INFLIGHT_BYTES,
	       "in-flight table size");
#endif

struct tgp_hdr {
	uint32_t magic;
	uint16_t type;
	uint16_t nfields;
	uint32_t id;
	uint32_t len;
};

struct tgp_fhdr {
	uint16_t tag;
	uint16_t zero;
	uint32_t len;
};

/* ------------------------------ encoder ----------------------------- */

struct tgp_enc {
	uint8_t *buf;
	size_t cap, len;
	uint16_t nfields;
	bool overflow;
};

/* Access bits of an open (TGPT_ACCESS), the values of POLICY_ACC_*. */
#define TGPA_READ 1u
#define TGPA_WRITE 2u
#define TGPA_CREATE 4u
#define TGPA_DELETE 8u

/* What open flags ask for, as the kernel checks them: O_RDWR and the
 * ioctl-only mode 3 need read and write; O_TRUNC writes; O_CREAT creates.
 * O_PATH asks for nothing (decided when the descriptor is used). Shared by
 * the interposer and the kernel path, so both decide the same open alike. */
static inline unsigned tgp_open_access(uint64_t flags)
{
	if (flags & O_PATH)
		return 0;
	unsigned a = 0;
	uint64_t acc = flags & O_ACCMODE;
	if (acc != O_RDONLY || (flags & O_TRUNC))
		a |= TGPA_WRITE;
	if (flags & O_CREAT)
		a |= TGPA_CREATE | TGPA_WRITE;
	if (acc == O_RDWR || acc == O_ACCMODE ||
	    (acc == O_RDONLY && !(flags & (O_CREAT | O_TRUNC))))
		a |= TGPA_READ;
	return a;
}

static inline void tgp_enc_begin(struct tgp_enc *e, uint8_t *buf, size_t cap,
				 enum tgp_type type, uint32_t id)
{
	e->buf = buf;
	e->cap = cap < TGP_MAX_MSG ? cap : TGP_MAX_MSG;
	e->len = sizeof(struct tgp_hdr);
	e->nfields = 0;
	e->overflow = cap < sizeof(struct tgp_hdr);
	if (!e->overflow) {
		struct tgp_hdr h = {TGP_MAGIC, (uint16_t)type, 0, id, 0};
		memcpy(buf, &h, sizeof(h));
	}
}

static inline void tgp_put(struct tgp_enc *e, enum tgp_tag tag, const void *v,
			   size_t n)
{
	if (e->overflow || n > UINT32_MAX || e->nfields == UINT16_MAX ||
	    e->len + sizeof(struct tgp_fhdr) + n > e->cap) {
		e->overflow = true;
		return;
	}
	struct tgp_fhdr f = {(uint16_t)tag, 0, (uint32_t)n};
	memcpy(e->buf + e->len, &f, sizeof(f));
	e->len += sizeof(f);
	if (n)
		memcpy(e->buf + e->len, v, n);
	e->len += n;
	e->nfields++;
}

static inline void tgp_put_u32(struct tgp_enc *e, enum tgp_tag tag, uint32_t v)
{
	tgp_put(e, tag, &v, sizeof(v));
}

static inline void tgp_put_str(struct tgp_enc *e, enum tgp_tag tag,
			       const char *s)
{
	tgp_put(e, tag, s, strlen(s));
}

/* Finishes the header; returns the message length or -E2BIG. */
static inline long tgp_enc_end(struct tgp_enc *e)
{
	if (e->overflow)
		return -E2BIG;
	struct tgp_hdr h;
	memcpy(&h, e->buf, sizeof(h));
	h.nfields = e->nfields;
	h.len = (uint32_t)(e->len - sizeof(h));
	memcpy(e->buf, &h, sizeof(h));
	return (long)e->len;
}

/* ------------------------------ decoder ----------------------------- */

struct tgp_field {
	uint16_t tag;
	uint32_t len;
	const uint8_t *v;
};

struct tgp_dec {
	struct tgp_hdr h;
	const uint8_t *p, *end;
	uint16_t seen;
	uint64_t singular_seen; /* bit per tag */
};

/* The protocol version a message's magic names (0-9), or -1 when it is not
 * tiergate's. */
static inline int tgp_magic_version(const uint8_t *buf)
{
	uint32_t m;
	memcpy(&m, buf, sizeof(m));
	int v = (int)(m >> 24) - '0';
	return (m & 0x00ffffffu) == TGP_MAGIC_FAMILY && v >= 0 && v <= 9 ? v
									 : -1;
}

/* What a message in another version of the protocol (tgp_dec_begin:
 * -EPROTO) tells its reader, into buf: "policyd speaks version N of the
 * tiergate protocol and this WHO version V". No number formatting or
 * allocation: the interposer may say it in a vfork child. */
static inline void tgp_version_mismatch(char *buf, size_t cap,
					const uint8_t *msg, const char *who)
{
	char pv[2] = {(char)('0' + tgp_magic_version(msg)), '\0'};
	const char *parts[] = {"policyd speaks version ", pv,
			       " of the tiergate protocol and this ", who,
			       " version " TGP_VERSION_TEXT};
	size_t o = 0;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (const char *c = parts[i]; *c && o + 1 < cap; c++)
			buf[o++] = *c;
	if (cap)
		buf[o] = '\0';
}

/* Checks the header of a complete message (buf holds at least
 * sizeof(struct tgp_hdr) bytes); returns the total length it announces,
 * -EPROTO for a message in another version of the protocol or -EBADMSG. */
static inline long tgp_peek_len(const uint8_t *buf)
{
	struct tgp_hdr h;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != TGP_MAGIC && tgp_magic_version(buf) >= 0)
		return -EPROTO;
	if (h.magic != TGP_MAGIC || h.type == 0 || h.type >= TGP_TYPE_MAX ||
	    h.len > TGP_MAX_MSG - sizeof(h) || h.nfields > TGP_MAX_FIELDS)
		return -EBADMSG;
	return (long)(sizeof(h) + h.len);
}

static inline int tgp_dec_begin(struct tgp_dec *d, const uint8_t *buf,
				size_t len)
{
	if (len < sizeof(struct tgp_hdr))
		return -EBADMSG;
	long want = tgp_peek_len(buf);
	if (want == -EPROTO)
		return -EPROTO;
	if (want < 0 || (size_t)want != len)
		return -EBADMSG;
	memcpy(&d->h, buf, sizeof(d->h));
	d->p = buf + sizeof(d->h);
	d->end = buf + len;
	d->seen = 0;
	d->singular_seen = 0;
	return 0;
}

static inline bool tgp_tag_repeats(uint16_t tag)
{
	return tag == TGPT_ARG || tag == TGPT_ALLOW_GLOB ||
	       tag == TGPT_SENS_GLOB || tag == TGPT_EXEC_ALLOW ||
	       tag == TGPT_EXEC_SENS || tag == TGPT_EXEC_SENS0 ||
	       tag == TGPT_GIT_ID || tag == TGPT_LL_WRITE ||
	       tag == TGPT_LL_EXEC || tag == TGPT_ENV ||
	       tag == TGPT_MASK_PATH || tag == TGPT_MASK_TREE ||
	       tag == TGPT_MASK_GLOB;
}

static inline bool tgp_tag_is_u32(uint16_t tag)
{
	switch (tag) {
	case TGPT_KIND:
	case TGPT_DIRFD:
	case TGPT_DIRFD2:
	case TGPT_ACCESS:
	case TGPT_PORT:
	case TGPT_PROTO:
	case TGPT_ACTION:
	case TGPT_FAIL:
	case TGPT_FASTPATH:
	case TGPT_FLAGS:
	case TGPT_EXEC_FAST:
	case TGPT_BACKSTOP:
	case TGPT_PID:
		return true;
	default:
		return false;
	}
}

/* Next field: 1 with *f filled, 0 at a clean end, -EBADMSG on anything
 * malformed. */
static inline int tgp_dec_next(struct tgp_dec *d, struct tgp_field *f)
{
	if (d->p == d->end)
		return d->seen == d->h.nfields ? 0 : -EBADMSG;
	if (d->seen >= d->h.nfields ||
	    (size_t)(d->end - d->p) < sizeof(struct tgp_fhdr))
		return -EBADMSG;
	struct tgp_fhdr fh;
	memcpy(&fh, d->p, sizeof(fh));
	d->p += sizeof(fh);
	if (fh.zero != 0 || fh.tag == 0 || fh.tag >= TGPT_TAG_MAX ||
	    fh.len > (size_t)(d->end - d->p))
		return -EBADMSG;
	if (tgp_tag_is_u32(fh.tag) && fh.len != 4)
		return -EBADMSG;
	if (fh.tag == TGPT_ADDR && fh.len != 16)
		return -EBADMSG;
	if (fh.tag == TGPT_ADDRS &&
	    (fh.len == 0 || fh.len % 16 || fh.len > 16 * TGP_MAX_NAME_ADDRS))
		return -EBADMSG;
	if (!tgp_tag_is_u32(fh.tag) && fh.tag != TGPT_ADDR &&
	    fh.tag != TGPT_ADDRS) {
		size_t max = (fh.tag == TGPT_PATH || fh.tag == TGPT_PATH2)
				 ? TGP_MAX_PATH
				 : TGP_MAX_STR;
		if (fh.len > max || memchr(d->p, '\0', fh.len))
			return -EBADMSG;
	}
	if (!tgp_tag_repeats(fh.tag)) {
		uint64_t bit = 1ULL << fh.tag;
		if (d->singular_seen & bit)
			return -EBADMSG;
		d->singular_seen |= bit;
	}
	f->tag = fh.tag;
	f->len = fh.len;
	f->v = d->p;
	d->p += fh.len;
	d->seen++;
	return 1;
}

static inline uint32_t tgp_u32(const struct tgp_field *f)
{
	uint32_t v;
	memcpy(&v, f->v, sizeof(v));
	return v;
}

/* Copies a string field into out (NUL-terminated); -E2BIG if it does not
 * fit. */
static inline int tgp_str(const struct tgp_field *f, char *out, size_t outsz)
{
	if (f->len >= outsz)
		return -E2BIG;
	memcpy(out, f->v, f->len);
	out[f->len] = '\0';
	return 0;
}

/* ----------------------------- transport ---------------------------- */
/*
 * Client side of the transport, shared by the interposer, agent-shell,
 * policyctl and the benchmarks. Raw system calls on caller buffers only, so
 * the interposer can use them in a vfork child.
 */

/* An abstract Unix socket's name (the n bytes after sun_path's leading
 * NUL, NULs and all: the kernel compares every byte up to the address
 * length) as policies and the protocol spell it: '@', then the bytes,
 * each outside printable ASCII (and space) and each backslash written
 * \xHH, so that no two names share a spelling and a pattern cannot be
 * fooled by a NUL.
 * out: TGP_UNIX_ABSTRACT_MAX bytes. */
#define TGP_UNIX_ABSTRACT_MAX (1 + 108 * 4 + 1)
static inline void tgp_unix_abstract(const char *name, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	out[o++] = '@';
	for (size_t i = 0; i < n && i < 108; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch > 0x20 && ch < 0x7f && ch != '\\') {
			out[o++] = (char)ch;
			continue;
		}
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[ch >> 4];
		out[o++] = hex[ch & 15];
	}
	out[o] = '\0';
}

/* Connects a stream socket to path; the fd, or -1 with errno set. */
static inline int tgp_connect(const char *path)
{
	struct sockaddr_un sa;
	size_t n = strlen(path);
	if (n >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd =
	    (int)syscall(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n + 1);
	if (syscall(SYS_connect, fd, &sa, sizeof(sa)) < 0) {
		int e = errno;
		syscall(SYS_close, fd);
		errno = e;
		return -1;
	}
	return fd;
}

static inline int tgp_write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *b = (const uint8_t *)buf;
	while (n) {
		long w = syscall(SYS_sendto, fd, b, n, MSG_NOSIGNAL, NULL, 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Sends msg and reads one whole reply into rbuf (rbuf may be msg). Returns
 * the reply's length, or -1 on any transport failure or a reply whose
 * header is bad or larger than rcap. */
/*
 * The one line an agent sees for a mediated call, whoever writes it (the
 * interposer, policyd for the kernel path, agent-shell):
 *   tiergate: VERB KIND "TARGET" (rule RULE): MSG
 * Control characters in TARGET become '?', newlines in MSG spaces; the line
 * ends with '\n'. No stdio, no allocation (the interposer calls it between
 * vfork and exec). cap >= 64; returns the length.
 */
static inline size_t tgp_refusal_line(char *line, size_t cap, const char *verb,
				      const char *kind, const char *target,
				      const char *rule, const char *msg)
{
	size_t o = 0, lim = cap - 2;
	const char *parts[] = {"tiergate: ", verb,   " ", kind,
			       " \"",	     target, "\""};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (const char *p = parts[i]; p && *p && o < lim * 3 / 4; p++)
			line[o++] = (i != 5 ||
				     ((unsigned char)*p >= 0x20 && *p != 0x7f))
					? *p
					: '?';
	if (rule && *rule) {
		const char *r[] = {" (rule ", rule, ")"};
		for (size_t i = 0; i < 3; i++)
			for (const char *p = r[i]; *p && o < lim * 7 / 8; p++)
				line[o++] = *p;
	}
	if (msg && *msg && o + 2 < lim) {
		line[o++] = ':';
		line[o++] = ' ';
		for (const char *p = msg; *p && o < lim; p++)
			line[o++] = (*p == '\n') ? ' ' : *p;
	}
	line[o++] = '\n';
	return o;
}

/*
 * Reads one whole message. policyd writes nothing on a connection but the
 * one reply to the request it has just read, so a reader with one request
 * outstanding may take whatever is there in one receive: bytes past the
 * reply would break that rule, and are an error, never parsed.
 *
 * It waits with ppoll, never asleep in a blocking recv: a reader asleep in
 * recv sits on the socket's wait queue with a wake function that ignores
 * the event, so when policyd consumes the request (freeing it gives the
 * sender write space) the kernel woke the reader for nothing: a context
 * switch and, across CPUs, an IPI per round trip (a quarter of policyd's
 * CPU under 8 clients). poll's wait entry is keyed to POLLIN.
 *
 * Returns the length, or -1 (connection closed, malformed header, larger
 * than rcap, more than one message).
 */
static inline long tgp_read_msg(int fd, uint8_t *rbuf, size_t rcap)
{
	size_t got = 0;
	long want = -1;
	if (rcap < sizeof(struct tgp_hdr))
		return -1;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (syscall(SYS_ppoll, &p, 1, NULL, NULL, 0) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		long r = syscall(SYS_recvfrom, fd, rbuf + got, rcap - got,
				 MSG_DONTWAIT, NULL, NULL);
		if (r < 0 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
		if (want < 0 && got >= sizeof(struct tgp_hdr)) {
			want = tgp_peek_len(rbuf);
			/* another version: its header is all one can read
			 * (tgp_dec_begin then says -EPROTO) */
			if (want == -EPROTO)
				return (long)sizeof(struct tgp_hdr);
			if (want < 0 || (size_t)want > rcap)
				return -1;
		}
		if (want >= 0 && got >= (size_t)want)
			return got == (size_t)want ? want : -1;
		if (got == rcap)
			return -1;
	}
}

static inline long tgp_roundtrip(int fd, const uint8_t *msg, size_t len,
				 uint8_t *rbuf, size_t rcap)
{
	if (tgp_write_all(fd, msg, len) < 0)
		return -1;
	return tgp_read_msg(fd, rbuf, rcap);
}

#endif
