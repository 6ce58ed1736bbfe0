/* SPDX-License-Identifier: MIT */
/*
 * ip_fastpath: the criteria policyd ships in its HELLO answer for deciding
 * silent Tier 1 reads and execs in the process, and what the kernel path
 * decides instead of the interposer (TGPB_* bits).
 *
 * Lifecycle: one immutable snapshot published through an atomic pointer.
 * A policy reload bumps the counter in policyd's generation file, which
 * makes the next ip_fastpath_get() fetch a new snapshot; old ones are never
 * freed, so a thread still using one stays safe (reloads are rare; the few
 * kilobytes are the price). ip_fastpath_parse() makes one from an answer
 * (the unit tests use it directly); ip_fastpath_free() is for those only.
 */
#ifndef TIERGATE_IP_FASTPATH_H
#define TIERGATE_IP_FASTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#pragma GCC visibility push(hidden)

struct glob;

struct ip_git_id {
	uint64_t dev, ino;
	int64_t size;
};
/* One glob of a snapshot. Compiled when a check first needs it (most
 * processes need few of a session's hundred), into the room laid out for
 * it in the snapshot's arena: no allocation then, so a vfork child or a
 * signal handler may compile one. A pattern that could fail to compile
 * ('[', '\\', "..", long ones) is compiled while the snapshot is read,
 * so that a bad one still turns its half off there. */
enum { LAZY_NEW, LAZY_BUSY, LAZY_READY };
struct ip_lazy {
	const char *pat;  /* in the snapshot's pattern block */
	uint64_t key;	  /* hash of the pattern's first path component when
			   * it is literal, 0 when not: no filter */
	size_t off, size; /* its room in the arena (lazy ones) */
	struct glob *g;	  /* set before state turns LAZY_READY */
	_Atomic uint8_t state; /* LAZY_NEW, LAZY_BUSY (being compiled: the
				  check is unsure, never waits), LAZY_READY */
};
struct ip_globv {
	struct ip_lazy *e;
	size_t n, cap;
	bool all; /* one of them matches every absolute path (read-anywhere) */
};
struct ip_fastpath {
	uint64_t gen;
	bool read_ok, exec_ok;
	struct ip_globv ra, rs;	    /* reads: allow, sensitive */
	struct ip_globv xa, xs, x0; /* execs: allow, sensitive, argv0 */
	struct ip_git_id git[8];
	int ngit;
	uint32_t backstop; /* TGPB_* */
	uint64_t made_gen; /* the generation policyd made it under (0: not
			      said) */
	char *pats;	   /* the patterns, NUL-terminated, one block */
	size_t pats_used, pats_cap;
	char *arena; /* the lazy globs' rooms, laid out once all are read */
};

/*
 * Parses a HELLO_OK answer (n bytes of buf) into a new snapshot (gen 0).
 * *ret_fail_open: the policy's fail setting (1 open, 0 closed, -1 when the
 * answer has none); genfile: the path of policyd's generation file ("" when
 * none). Returns 0, -EPROTO for anything but a well-formed HELLO_OK, or
 * -ENOMEM; the ret_ values are untouched on failure.
 */
int ip_fastpath_parse(const uint8_t *buf, size_t n, struct ip_fastpath **ret,
		      int *ret_fail_open, char *ret_genfile,
		      size_t genfile_cap);
void ip_fastpath_free(struct ip_fastpath *fp);

/* The current snapshot, fetching one if needed; NULL when policyd cannot
 * be asked (then every call goes to policyd, and fails closed). Not in a
 * vfork child. */
struct ip_fastpath *ip_fastpath_get(void);
/* The published snapshot if it is still current, without fetching one
 * (vfork-safe): a child would pay a round trip to save one. */
struct ip_fastpath *ip_fastpath_current(void);
/* Does the kernel path decide this kind of call (TGPB_*)? No fetch
 * (vfork-safe). */
bool ip_kernel_decides(uint32_t bit);

/* Compiles fp's exec globs now (a parent before its fork: a child that
 * compiled them before its exec would copy the pages it wrote, a fault
 * each, in every fork, and lose them at the exec). */
void ip_fastpath_prepare_exec(const struct ip_fastpath *fp);
/* Is a read of abs (absolute, normalised) a silent allow under fp? */
bool ip_fastpath_read_silent(const struct ip_fastpath *fp, const char *abs);
/* Can an exec be allowed without asking policyd? Only for a silent Tier 1
 * allow, by the rules policyd sent (see policy_exec_fastpath): argv0 as
 * given, lex the program's path folded lexically, real its path with the
 * symlinks resolved, st what stat says of real. */
bool ip_fastpath_exec_silent(const struct ip_fastpath *fp, const char *argv0,
			     const char *lex, const char *real,
			     const struct stat *st);

/* fork(): the snapshot's lock, taken in the parent around it */
void ip_fastpath_lock(void);
void ip_fastpath_unlock(void);

#pragma GCC visibility pop

#endif
