/* SPDX-License-Identifier: MIT */
/* The struct egress shared by the library's files (egress.c,
 * egress_session.c, egress_probe.c). Not for use outside bpf/. */
#ifndef TIERGATE_EGRESS_INTERNAL_H
#define TIERGATE_EGRESS_INTERNAL_H

#include <limits.h>
#include <stdarg.h>

#include "egress.h"
#include "egress_compile.h"

struct tg_egress;
struct bpf_link;
struct ring_buffer;

/* Kernel UAPI values newer than this system's headers may be. */
#define EG_ATTACH_UNIX_CONNECT 49
#define EG_ATTACH_UNIX_SENDMSG 50

/* The layer's programs: how each is attached, which feature it needs. */
struct eg_progdef {
	const char *name;
	int attach; /* enum bpf_attach_type */
	enum egress_feature ft;
};
#define EG_NPROGS 14
extern const struct eg_progdef eg_progs[EG_NPROGS];

/* Programs attached per session, not on the parent (egress_sessprogs.c). */
#define EG_NSESSPROGS 3

struct eg_sess {
	uint64_t cgid;
	uint32_t slot;
	uint8_t gen;
	bool rules_known; /* false for a session adopted from a pinned layer
			     until policyd sets it again */
	struct egress_rule *rules;
	size_t nrules;
	struct ec_host *hosts;
	size_t nhosts, caphosts;
	/* the trie's keys of this session's current generation */
	struct eg_key {
		uint8_t addr[16];
		uint8_t plen;
	} * keys;
	size_t nkeys, capkeys;
	struct tg_sess_cfg cfg;
	/* its own programs (egress_sessprogs.c), NULL: not attached */
	struct bpf_link *plinks[EG_NSESSPROGS];
};

struct egress {
	char pin_dir[256];
	bool pinned, started;
	uint32_t queue_bytes;
	bool limit_loopback;
	struct tg_egress *skel;
	int cg_fd; /* the parent cgroup (opening sessions' by id), or -1 */
	struct bpf_link *links[EG_NPROGS];
	bool adopted[EG_NPROGS]; /* taken over from a pinned layer */
	struct ring_buffer *rb;
	egress_event_cb cb;
	void *cb_ud;
	struct egress_features ft;
	struct eg_sess *sess;
	size_t nsess, capsess;
	uint8_t slots[TG_MAX_SESSIONS / 8];
	size_t nprefixes;
	uint32_t epoch; /* the last epoch given (tg_exact_val) */
	struct tg_dns_cfg dns;
	uint16_t reserved_port; /* egress_port_reserve's, in tg_fwdports */
	char err[512];
};

/* Records a sentence for egress_error() and returns r. */
__attribute__((format(printf, 3, 4))) int eg_fail(struct egress *e, int r,
						  const char *fmt, ...);

int eg_map_fd(const struct egress *e, const char *name);
struct eg_sess *eg_sess_find(const struct egress *e, uint64_t cgid);
/* Is port a session's forwarder port or the reserved one? */
bool eg_fwdport_used(const struct egress *e, uint16_t port);
/* Writes the forwarder's addresses into every session's configuration. */
int eg_sessions_push_dns(struct egress *e);
/* Rebuilds the session table from the maps of an adopted layer. */
int eg_sessions_adopt(struct egress *e);
void eg_sessions_free(struct egress *e);
uint32_t eg_now_s(void);

/* egress_sessprogs.c: the programs a session's own cgroup gets. */
/* Which of them name is, or -1 (not attached to the parent). */
int eg_sessprog_index(const char *name);
/* Does a session of this configuration count bytes and packets? */
bool eg_sess_counts_packets(const struct tg_sess_cfg *c);
/* Attaches what cfg wants that is missing (adopting pinned links); with
 * detach, detaches what it does not want (which cannot fail). 0 or
 * -errno (egress_error). */
int eg_sessprogs_sync(struct egress *e, struct eg_sess *s,
		      const struct tg_sess_cfg *cfg, bool detach);
/* Closes s's links; with detach, they are detached and unpinned. */
void eg_sessprogs_release(struct eg_sess *s, bool detach);
/* An earlier layer's links of these programs on the parent go. */
void eg_sessprogs_drop_parent_pins(struct egress *e);

#endif
