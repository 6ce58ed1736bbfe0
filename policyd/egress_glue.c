/* SPDX-License-Identifier: MIT */
/*
 * egress_glue: the eBPF egress layer in policyd (see egress_glue.h and
 * bpf/README.md). Privileged operations, each safe for the reason given:
 *   - loading and attaching the layer to policyd's own parent cgroup
 *     (<cgroup2 mount>/<parent>, which policyd made): only sessions are
 *     below it, and attaching there constrains nothing else;
 *   - pinning it under <bpffs>/<parent>: a policyd that dies leaves the
 *     sessions enforced (fail closed), the next one adopts the layer;
 *   - removing empty cgroups under the parent that no session owns
 *     (left by a policyd that died): an empty cgroup holds nothing.
 */
#include "egress_glue.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "daemon.h"
#include "egress.h"
#include "egress_dns.h"
#include "egress_events.h"
#include "log.h"
#include "policy.h"
#include "util.h"

#define LEARNED 256	     /* names a session keeps for reloads */

struct learned {
	uint8_t addr[16];
	char name[256];
	uint64_t expires; /* CLOCK_MONOTONIC s; 0: unused */
};

struct eg_sess {
	const void *key; /* policyd's struct session, never looked into */
	struct egress_glue_sess s;
	char id[32], name[64];
	char cgroup[512]; /* relative to the cgroup2 mount */
	uint64_t cgid;
	struct edns_sess *dns;
	uint16_t dns_port;
	struct learned learned[LEARNED];
	unsigned nlearned_next;
	struct egress_ev_rate rate;
};

static struct {
	struct egress *e;
	bool active, probed;
	char why[1300], dns_why[300];
	struct egress_features ft;
	char parent[1100], pin[600];
	int ep;
	struct ev_tag tag;
	struct eg_sess sess[MAX_SESSIONS];
	uint64_t last_tick, last_sweep;
	uint64_t names_refused;
	struct egress_glue_learned queued[64];
	size_t nqueued, nhanded;
} G = {.ep = -1, .tag = {EV_EGRESS}};

static uint64_t mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

static struct eg_sess *of_session(const void *key)
{
	for (int i = 0; i < MAX_SESSIONS; i++)
		if (G.sess[i].key == key)
			return &G.sess[i];
	return NULL;
}

static struct eg_sess *of_cgid(uint64_t id)
{
	for (int i = 0; i < MAX_SESSIONS; i++)
		if (G.sess[i].key && G.sess[i].cgid == id)
			return &G.sess[i];
	return NULL;
}

bool egress_glue_active(void)
{
	return G.active;
}

/* ------------------------------------------------------------ rules */

static uint8_t protos_of(enum policy_proto p)
{
	switch (p) {
	case POLICY_PROTO_TCP:
		return EGRESS_PROTO_TCP;
	case POLICY_PROTO_UDP:
		return EGRESS_PROTO_UDP;
	case POLICY_PROTO_ANY:
		return EGRESS_PROTO_ANY;
	case POLICY_PROTO_MAX:
	default:
		return 0; /* matches nothing: ec_check_rules refuses it */
	}
}

/* The session's rules and limits in the layer (replacing what was). */
static int set_rules(struct eg_sess *es, char *err, size_t errsz)
{
	const struct policy *p = es->s.policy;
	struct policy_net_part *parts = NULL;
	size_t n = 0;
	int r = policy_net_parts(p, &parts, &n);
	if (r < 0) {
		snprintf(err, errsz, "connect rules: %s", strerror(-r));
		return r;
	}
	struct egress_rule *rules = calloc(n ? n : 1, sizeof(*rules));
	if (!rules) {
		free(parts);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(rules[i].addr, parts[i].cidr.net.b, 16);
		rules[i].plen = parts[i].cidr.plen;
		rules[i].protos = protos_of(parts[i].proto);
		rules[i].action = (uint8_t)parts[i].action;
		rules[i].exclude = parts[i].exclude;
		rules[i].port_lo = parts[i].port_lo;
		rules[i].port_hi = parts[i].port_hi;
		rules[i].rule = (uint32_t)parts[i].rule;
	}
	free(parts);
	const struct policy_limits *l = policy_limits(p);
	struct egress_session cfg = {
	    .rules = rules,
	    .nrules = n,
	    .default_action = (uint8_t)policy_settings(p)->default_action,
	    .flags = es->dns_port ? EGRESS_S_DNS_ALL : 0,
	    .dns_port = es->dns_port,
	    .egress_rate = l->egress_rate,
	    .egress_burst = l->egress_burst,
	    .connect_rate = l->connect_rate,
	    .egress_total = l->egress_total,
	    .ingress_total = l->ingress_total};
	r = egress_session_set(G.e, es->cgid, &cfg);
	free(rules);
	if (r < 0)
		snprintf(err, errsz, "eBPF egress layer: %s",
			 egress_error(G.e));
	return r;
}

/* The addresses of name, for the host rules naming it, for ttl_s. */
static int add_name(struct eg_sess *es, const char *name,
		    const uint8_t addr[16], uint32_t ttl_s)
{
	struct policy_net_part *parts = NULL;
	size_t n = 0;
	int r = policy_host_parts(es->s.policy, name, &parts, &n);
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct egress_host h = {.protos = protos_of(parts[i].proto),
					.action = (uint8_t)parts[i].action,
					.exclude = parts[i].exclude,
					.port_lo = parts[i].port_lo,
					.port_hi = parts[i].port_hi,
					.rule = (uint32_t)parts[i].rule};
		memcpy(h.addr, addr, 16);
		r = egress_host_add(G.e, es->cgid, &h, ttl_s);
	}
	free(parts);
	if (r == 0 && n) { /* kept for reloads (the oldest given up) */
		struct learned *L = &es->learned[es->nlearned_next++ % LEARNED];
		memcpy(L->addr, addr, 16);
		tg_strlcpy(L->name, sizeof(L->name), name);
		L->expires = mono_s() + (ttl_s ? ttl_s : 86400);
	}
	return r;
}

/* Is (name, addr) in the kernel already, from the forwarder (with the
 * answer's own TTL, which a verified lookup must not stretch)? */
static bool learned_now(const struct eg_sess *es, const char *name,
			const uint8_t addr[16])
{
	uint64_t now = mono_s();
	for (int i = 0; i < LEARNED; i++)
		if (es->learned[i].expires > now &&
		    !memcmp(es->learned[i].addr, addr, 16) &&
		    !strcmp(es->learned[i].name, name))
			return true;
	return false;
}

void egress_glue_names(const void *key, const char *host,
		       const uint8_t (*addrs)[16], unsigned naddrs,
		       uint32_t ttl_s)
{
	struct eg_sess *es = G.active ? of_session(key) : NULL;
	for (unsigned i = 0; es && i < naddrs; i++)
		if (!learned_now(es, host, addrs[i]) &&
		    add_name(es, host, addrs[i], ttl_s) < 0)
			daemon_log("session %s: %s not let through by the "
				   "eBPF layer: %s",
				   es->id, host, egress_error(G.e));
}

void egress_glue_approved(const void *key, const uint8_t addr[16],
			  uint16_t port, unsigned proto, int rule)
{
	struct eg_sess *es = G.active ? of_session(key) : NULL;
	struct egress_host h = {.protos = protos_of((enum policy_proto)proto),
				.action = EGRESS_APPROVED,
				.port_lo = port,
				.port_hi = port,
				.rule = rule >= 0 ? (uint32_t)rule
						  : EGRESS_ALL_RULES};
	if (!es || !h.protos)
		return;
	memcpy(h.addr, addr, 16);
	/* why a TTL: the call asked about reaches the kernel next; a later
	 * one is decided by policyd again (a grant renews it) */
	if (egress_host_add(G.e, es->cgid, &h, EGRESS_GLUE_APPROVED_TTL) < 0)
		daemon_log("session %s: an approved destination not let "
			   "through by the eBPF layer (the kernel refuses "
			   "it): %s",
			   es->id, egress_error(G.e));
}

/* ------------------------------------------------------- DNS forwarder */

static enum dnsproxy_verdict dns_decide(void *owner, const char *name,
					uint16_t qtype)
{
	struct eg_sess *es = owner;
	int rule;
	(void)qtype;
	if (policy_host_lookup(es->s.policy, name, &rule) != POLICY_DENY)
		return DNSPROXY_FORWARD;
	G.names_refused++;
	if (D.audit) {
		const struct policy *p = es->s.policy;
		struct audit_rec ar = {
		    .session = es->id,
		    .uid = es->s.uid,
		    .kind = "dns",
		    .target = name,
		    .rule = rule >= 0 ? policy_rule_id(p, rule) : "default",
		    .tier = 0,
		    .action = "deny",
		    .decision = "refused",
		    .detail = rule >= 0 ? "DNS forwarder: REFUSED"
					: "DNS forwarder: NXDOMAIN (no rule "
					  "lets a connect to it through)"};
		audit_write(D.audit, &ar);
	}
	return rule >= 0 ? DNSPROXY_REFUSED : DNSPROXY_NXDOMAIN;
}

static int dns_learn(void *owner, const char *name, const uint8_t addr[16],
		     uint32_t ttl)
{
	struct eg_sess *es = owner;
	int r = add_name(es, name, addr, ttl);
	if (r == 0 && G.nqueued < TG_ARRAY_SIZE(G.queued)) {
		/* for the kernel path's connects (session_name_for): policyd
		 * records it before it reads anything else (egress_glue.h) */
		struct egress_glue_learned *q = &G.queued[G.nqueued++];
		q->key = es->key;
		tg_strlcpy(q->name, sizeof(q->name), name);
		memcpy(q->addr, addr, 16);
	}
	return r;
}

/* ---------------------------------------------------------- sessions */

/* A session whose limits: or host rules the kernel does not hold: said
 * once, at its start (policyd's log and the audit log). */
static void note_unenforced(const struct egress_glue_sess *s)
{
	const struct policy_limits *l = policy_limits(s->policy);
	if (!l->egress_rate && !l->egress_burst && !l->egress_total &&
	    !l->ingress_total && !l->connect_rate)
		return;
	char why[1500];
	snprintf(why, sizeof(why),
		 "limits: not enforced (eBPF egress layer off: %.1200s)",
		 G.why);
	daemon_log("session %s: %s", s->id, why);
	if (D.audit) {
		/* written before the session is listed: its name given */
		struct audit_rec ar = {.session = s->id,
				       .session_name = s->name,
				       .pid = s->pid,
				       .uid = s->uid,
				       .kind = "session",
				       .target = s->name,
				       .tier = -1,
				       .decision = "unenforced",
				       .detail = why};
		audit_write(D.audit, &ar);
	}
}

int egress_glue_session_add(const void *key, const struct egress_glue_sess *s,
			    const char *cgroup_dir, char *err, size_t errsz)
{
	if (!G.active || !cgroup_dir) {
		note_unenforced(s);
		return 0;
	}
	struct eg_sess *es = of_session(NULL);
	if (!es) {
		snprintf(err, errsz, "eBPF egress layer: too many sessions");
		return -EMFILE;
	}
	int r = egress_cgroup_id(cgroup_dir, &es->cgid);
	if (r < 0) {
		snprintf(err, errsz, "%s: %s", cgroup_dir, strerror(-r));
		return r;
	}
	es->key = key;
	es->s = *s;
	tg_strlcpy(es->id, sizeof(es->id), s->id);
	tg_strlcpy(es->name, sizeof(es->name), s->name);
	size_t ml = strlen(D.cgroup_mount);
	tg_strlcpy(es->cgroup, sizeof(es->cgroup),
		   strncmp(cgroup_dir, D.cgroup_mount, ml) ? "" : cgroup_dir + ml);
	es->s.id = es->id;
	es->s.name = es->name;
	if (edns_open(es, &es->dns, &es->dns_port) < 0) {
		es->dns = NULL;
		es->dns_port = 0; /* DNS not steered; status says why */
	}
	if ((r = set_rules(es, err, errsz)) < 0) {
		edns_close(es->dns);
		*es = (struct eg_sess){0};
		return r;
	}
	return 0;
}

int egress_glue_session_reload(const void *key, const struct policy *policy,
			       char *err, size_t errsz)
{
	struct eg_sess *es = G.active ? of_session(key) : NULL;
	if (!es)
		return 0;
	const struct policy *old_policy = es->s.policy;
	es->s.policy = policy;
	int r = set_rules(es, err, errsz);
	if (r < 0) {
		es->s.policy = old_policy;
		return r;
	}
	/* learned addresses carry the old rules' indices: again, for the
	 * rules of the new policy, with what is left of their TTL */
	uint64_t now = mono_s();
	_cleanup_free_ struct learned *old = malloc(sizeof(es->learned));
	if (!old)
		return -ENOMEM;
	memcpy(old, es->learned, sizeof(es->learned));
	memset(es->learned, 0, sizeof(es->learned));
	for (int i = 0; i < LEARNED; i++)
		if (old[i].expires)
			(void)egress_host_remove(G.e, es->cgid, old[i].addr,
						 EGRESS_ALL_RULES);
	for (int i = 0; i < LEARNED; i++)
		if (old[i].expires > now)
			(void)add_name(es, old[i].name, old[i].addr,
				       (uint32_t)(old[i].expires - now));
	return 0;
}

void egress_glue_session_end(const void *key)
{
	struct eg_sess *es = key && G.active ? of_session(key) : NULL;
	if (!es)
		return;
	edns_close(es->dns);
	/* processes left in its cgroup are refused every inet socket from
	 * now on (unknown session): fail closed */
	(void)egress_session_remove(G.e, es->cgid);
	*es = (struct eg_sess){0};
}

/* ----------------------------------------------------------- counters */

#define NFIELDS 17

struct field {
	const char *k;
	uint64_t v;
};

/* The first NPACKET fields are kept only for sessions with egress_rate,
 * egress_total or ingress_total (bpf/egress_sessprogs.c): otherwise they
 * are shown as "off", never as a count. */
#define NPACKET 4

/* The session's counters (refusals: connects and sends, sockets and
 * connect_rate; drops: packets the rate or a spent total dropped),
 * whether its totals are spent and whether it counts packets. -ENODEV:
 * the layer does not hold it. */
static int fields(const void *key, struct field f[NFIELDS], bool spent[3])
{
	struct eg_sess *es = key && G.active ? of_session(key) : NULL;
	struct egress_counters c;
	int r = es ? egress_counters(G.e, es->cgid, &c) : -ENODEV;
	if (r < 0)
		return r;
	const struct field v[NFIELDS] = {
	    {"bytes_out", c.bytes_out},
	    {"bytes_in", c.bytes_in},
	    {"packets_out", c.pkts_out},
	    {"packets_in", c.pkts_in},
	    {"connects", c.connects},
	    {"refusals", c.refused + c.sock_refused + c.conn_rate_refused},
	    {"refused", c.refused},
	    {"prompts", c.prompts},
	    {"sockets_refused", c.sock_refused},
	    {"connect_rate_refused", c.conn_rate_refused},
	    {"logged", c.logged},
	    {"drops", c.rate_drops + c.total_drops_out + c.total_drops_in},
	    {"rate_drops", c.rate_drops},
	    {"rate_marks", c.rate_marks},
	    {"total_drops_out", c.total_drops_out},
	    {"total_drops_in", c.total_drops_in},
	    {"dns_steered", c.dns_steered}};
	memcpy(f, v, sizeof(v));
	spent[0] = c.egress_spent;
	spent[1] = c.ingress_spent;
	spent[2] = c.packets_counted;
	return 0;
}

void egress_glue_counters_json(struct strbuf *b, const void *key)
{
	struct field f[NFIELDS];
	bool spent[3];
	if (fields(key, f, spent) < 0) {
		strbuf_puts(b, ",\"egress\":null");
		return;
	}
	strbuf_printf(b, ",\"egress\":{\"packet_counters\":\"%s\"",
		      spent[2] ? "on" : "off");
	for (size_t i = 0; i < NFIELDS; i++)
		if (i < NPACKET && !spent[2])
			strbuf_printf(b, ",\"%s\":\"off\"", f[i].k);
		else
			strbuf_printf(b, ",\"%s\":%llu", f[i].k,
				      (unsigned long long)f[i].v);
	strbuf_printf(b,
		      ",\"egress_total_spent\":%s,\"ingress_total_spent\":%s}",
		      spent[0] ? "true" : "false", spent[1] ? "true" : "false");
}

bool egress_glue_counters_line(const void *key, char *buf, size_t sz)
{
	struct field f[NFIELDS];
	bool spent[3];
	if (fields(key, f, spent) < 0)
		return false;
	size_t o = 0;
	for (size_t i = 0; i < NFIELDS && o < sz; i++) {
		if (i < NPACKET && !spent[2]) {
			/* one word for the four: not counted */
			if (i == 0)
				o += (size_t)snprintf(
				    buf + o, sz - o,
				    "bytes and packets off (no rate or total "
				    "limit)");
			continue;
		}
		o += (size_t)snprintf(buf + o, sz - o, "%s%s %llu",
				      i ? ", " : "", f[i].k,
				      (unsigned long long)f[i].v);
	}
	if (o < sz)
		snprintf(buf + o, sz - o, "%s%s",
			 spent[0] ? "; egress_total spent" : "",
			 spent[1] ? "; ingress_total spent" : "");
	return true;
}

/* ------------------------------------------------------------ events */

static void on_event(const struct egress_event *ev, void *ud)
{
	(void)ud;
	struct eg_sess *es = of_cgid(ev->cgid);
	struct egress_ev_sess who = {0};
	if (es)
		who = (struct egress_ev_sess){.id = es->id,
					      .name = es->name,
					      .uid = es->s.uid,
					      .policy = es->s.policy,
					      .supervised = es->s.supervised,
					      .cgroup = es->cgroup,
					      .rate = &es->rate};
	egress_event_record(ev, es ? &who : NULL);
}

void egress_glue_ready(void)
{
	struct epoll_event evs[32];
	int n = epoll_wait(G.ep, evs, 32, 0);
	for (int i = 0; i < n; i++) {
		enum edns_tag_kind *k = evs[i].data.ptr;
		if (*k == EDNS_TAG_OTHER)
			(void)egress_events_consume(G.e, on_event, NULL);
		else
			edns_event(k, evs[i].events);
	}
}

/* -------------------------------------------------------- start, stop */

static enum edns_tag_kind ring_tag = EDNS_TAG_OTHER;

/* The bpffs mount point, from /proc/mounts. */
static int bpffs_mount(char *out, size_t outsz)
{
	FILE *f = setmntent("/proc/mounts", "re");
	if (!f)
		return -errno;
	struct mntent *m;
	int r = -ENOENT;
	while ((m = getmntent(f)))
		if (!strcmp(m->mnt_type, "bpf")) {
			snprintf(out, outsz, "%s", m->mnt_dir);
			r = 0;
			break;
		}
	endmntent(f);
	return r;
}

static void start_dns(void)
{
	static const struct dnsproxy_ops ops = {dns_decide, dns_learn};
	if (edns_init(G.ep, &ops, G.dns_why, sizeof(G.dns_why)) < 0)
		return;
	uint32_t a4;
	int has6;
	edns_addrs(&a4, &has6);
	static const uint8_t lo6[16] = {[15] = 1};
	uint16_t up = 0;
	/* fail closed: a forwarder a session could answer for is none */
	if (egress_dns_set(G.e, a4, has6 ? lo6 : NULL) < 0 ||
	    edns_upstream_port(&up) < 0 || egress_port_reserve(G.e, up) < 0) {
		snprintf(G.dns_why, sizeof(G.dns_why), "%s", egress_error(G.e));
		edns_shutdown();
	}
}

void egress_glue_init(const char *parent)
{
	/* without cgroups the probe waits for the first status request: it
	 * takes about half a second, which every policyd start would pay */
	if (!D.cgroups) {
		snprintf(G.why, sizeof(G.why), "%s", D.cgroup_why);
		return;
	}
	snprintf(G.parent, sizeof(G.parent), "%s", parent);
	char fs[512];
	const char *base = strrchr(parent, '/');
	struct egress_opts o = {0};
	if (bpffs_mount(fs, sizeof(fs)) == 0) {
		snprintf(G.pin, sizeof(G.pin), "%s%s", fs, base);
		o.pin_dir = G.pin;
	}
	int r = egress_new(&o, &G.e);
	if (r == 0) { /* egress_start probes every feature first */
		r = egress_start(G.e, G.parent);
		G.ft = *egress_features(G.e);
		G.probed = true;
	}
	if (r < 0 && G.e) {
		snprintf(G.why, sizeof(G.why), "%s", egress_error(G.e));
		egress_free(G.e);
		G.e = NULL;
		return;
	}
	if (r < 0) {
		snprintf(G.why, sizeof(G.why), "%s", strerror(-r));
		return;
	}
	G.ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &ring_tag};
	epoll_ctl(G.ep, EPOLL_CTL_ADD, egress_events_fd(G.e), &ev);
	ev.data.ptr = &G.tag;
	epoll_ctl(D.epfd, EPOLL_CTL_ADD, G.ep, &ev);
	G.active = true;
	start_dns();
	size_t nadopt = 0;
	(void)egress_sessions(G.e, NULL, 0, &nadopt);
	daemon_log("eBPF egress layer attached to %s%s%s (%zu sessions of an "
		   "earlier policyd kept)%s%s",
		   G.parent, G.pin[0] ? ", pinned in " : "", G.pin, nadopt,
		   G.dns_why[0] ? "; DNS not steered: " : "", G.dns_why);
}

static void sweep(void);

void egress_glue_shutdown(void)
{
	if (!G.e)
		return;
	sweep(); /* ended sessions' cgroups left while processes remained */
	for (int i = 0; i < MAX_SESSIONS; i++)
		if (G.sess[i].key)
			edns_close(G.sess[i].dns);
	edns_shutdown();
	/* stopped on purpose: nothing of the layer stays behind */
	if (egress_stop(G.e) < 0)
		daemon_log("eBPF egress layer: %s", egress_error(G.e));
	egress_free(G.e);
	G.e = NULL;
	G.active = false;
	if (G.pin[0])
		rmdir(G.pin); /* emptied by egress_stop */
	if (G.ep >= 0)
		close(G.ep);
	G.ep = -1;
	rmdir(G.parent); /* only when no session cgroup is left */
}

/* ------------------------------------------------------------- timers */

static bool populated(const char *dir)
{
	char path[1500], buf[256];
	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return true; /* unknown: keep it */
	buf[n] = '\0';
	return strstr(buf, "populated 1") != NULL;
}

/* Cgroups under the parent that no session of this policyd owns (an
 * earlier policyd's, adopted with the layer): kept, and enforced by
 * their last rules, while processes remain; then removed, from the
 * layer too. */
static void sweep(void)
{
	size_t n = 0;
	if (egress_sessions(G.e, NULL, 0, &n) < 0)
		return;
	_cleanup_free_ uint64_t *ids = calloc(n + 1, sizeof(*ids));
	_cleanup_free_ bool *seen = calloc(n + 1, sizeof(*seen));
	DIR *d = opendir(G.parent);
	if (!ids || !seen || !d || egress_sessions(G.e, ids, n, &n) < 0) {
		if (d)
			closedir(d);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		char dir[1400];
		uint64_t id;
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", G.parent, de->d_name);
		if (egress_cgroup_id(dir, &id) < 0 || of_cgid(id))
			continue;
		bool keep = populated(dir);
		if (!keep)
			rmdir(dir);
		for (size_t i = 0; i < n; i++)
			if (ids[i] == id)
				seen[i] = keep;
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		if (!seen[i] && !of_cgid(ids[i]))
			(void)egress_session_remove(G.e, ids[i]);
}

void egress_glue_tick(void)
{
	if (!G.active)
		return;
	uint64_t now = mono_s();
	if (now == G.last_tick)
		return;
	G.last_tick = now;
	(void)egress_refresh(G.e);
	/* the forwarder's own clock (milliseconds): seconds * 1000 would be
	 * up to a second before a query's time and expire it at once */
	edns_tick();
	if (now - G.last_sweep >= 5) {
		G.last_sweep = now;
		sweep();
	}
}

/* ------------------------------------------------------------- status */

/* A status sentence, cut to fit (a status line, not data). */
__attribute__((format(printf, 3, 4))) static void say(char *buf, size_t sz,
						      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
}


static const char *errname(int err)
{
	const char *n = strerrorname_np(err);
	return n ? n : "error";
}

/* Refused features as "why: load refused (EPERM)". */
static void feature_line(char *why, size_t sz, enum egress_feature f,
			 const char *used)
{
	if (!G.probed)
		say(why, sz, "not probed");
	else if (G.ft.err[f])
		say(why, sz, "load refused (%s): %s", errname(G.ft.err[f]),
		    G.ft.why[f]);
	else
		say(why, sz, "available, not used (%s)", used);
}

static void egress_line(char *why, size_t sz)
{
	if (!G.active) {
		say(why, sz,
		    "%s; connects are decided by policyd (kernel path) "
		    "or the interposer, and limits: are not enforced",
		    G.why);
		return;
	}
	static const enum egress_feature hooks[] = {
	    EGRESS_FT_CONNECT4,	    EGRESS_FT_CONNECT6,
	    EGRESS_FT_SENDMSG4,	    EGRESS_FT_SENDMSG6,
	    EGRESS_FT_RECVMSG4,	    EGRESS_FT_RECVMSG6,
	    EGRESS_FT_GETPEERNAME4, EGRESS_FT_GETPEERNAME6,
	    EGRESS_FT_SOCK_CREATE,  EGRESS_FT_SKB_EGRESS,
	    EGRESS_FT_SKB_INGRESS,  EGRESS_FT_SOCK_OPS};
	const struct egress_features *ft = egress_features(G.e);
	char list[400] = "";
	size_t o = 0;
	for (size_t i = 0; i < TG_ARRAY_SIZE(hooks) && o < sizeof(list); i++)
		if (!ft->err[hooks[i]])
			o += (size_t)snprintf(list + o, sizeof(list) - o,
					      "%s%s", o ? " " : "",
					      egress_feature_name(hooks[i]));
	if (o < sizeof(list))
		snprintf(list + o, sizeof(list) - o,
			 " (the packet hooks and sockops on the cgroups of "
			 "sessions with a rate or total limit only: the "
			 "others keep no byte counts)");
	struct egress_global g = {0};
	(void)egress_global_counters(G.e, &g);
	unsigned pending;
	uint64_t fwd, refused;
	edns_counts(&pending, &fwd, &refused);
	char dns[400];
	if (G.dns_why[0])
		snprintf(dns, sizeof(dns),
			 "DNS not steered (%s): name rules "
			 "hold only for names policyd resolved itself",
			 G.dns_why);
	else
		snprintf(dns, sizeof(dns),
			 "DNS forwarder: %llu forwarded, "
			 "%llu answered by policyd (%llu names refused)",
			 (unsigned long long)fwd, (unsigned long long)refused,
			 (unsigned long long)G.names_refused);
	say(why, sz,
	    "attached to %s, attach types: %s; %s; %zu sessions in the "
	    "layer; %s; %llu events lost",
	    G.parent, list,
	    G.pin[0] ? "pinned (outlives a policyd that dies)"
		     : "not pinned (no bpffs mounted): a policyd that "
		       "dies takes the layer with it",
	    g.sessions, dns, (unsigned long long)g.events_lost);
}

void egress_glue_status(struct egress_glue_status *st)
{
	if (!G.probed) /* once; what this kernel offers does not change */
		G.probed = egress_probe(NULL, &G.ft) == 0;
	st->active = G.active;
	egress_line(st->egress, sizeof(st->egress));
	feature_line(st->lsm, sizeof(st->lsm), EGRESS_FT_LSM,
		     "the cgroup hooks suffice");
	feature_line(st->fentry, sizeof(st->fentry), EGRESS_FT_FENTRY,
		     "the cgroup hooks suffice");
}

bool egress_glue_learned_next(struct egress_glue_learned *ret)
{
	if (G.nhanded == G.nqueued) {
		G.nhanded = G.nqueued = 0;
		return false;
	}
	*ret = G.queued[G.nhanded++];
	return true;
}
