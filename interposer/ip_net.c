/* SPDX-License-Identifier: MIT */
/*
 * ip_net: the network hooks: connect, sendto and sendmsg with a
 * destination, and the name lookups (getaddrinfo, the gethostbyname
 * family) whose results say what a connect is for.
 *
 * Interposer-decided connects send the name this process looked up with
 * the address; under the kernel path the lookups are reported to policyd
 * (TGP_NAMES) and the report's answer is read before the next connect
 * reaches the kernel. policyd believes a name only when its own lookup
 * gives the same address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "ip_conn.h"
#include "ip_fastpath.h"
#include "ip_net.h"
#include "ip_state.h"
#include "tg_proto.h"

REAL(int, connect, int, const struct sockaddr *, socklen_t)
REAL(ssize_t, sendto, int, const void *, size_t, int, const struct sockaddr *,
     socklen_t)
REAL(ssize_t, sendmsg, int, const struct msghdr *, int)
REAL(int, getaddrinfo, const char *, const char *, const struct addrinfo *,
     struct addrinfo **)
REAL(struct hostent *, gethostbyname, const char *)
REAL(struct hostent *, gethostbyname2, const char *, int)
REAL(int, gethostbyname_r, const char *, struct hostent *, char *, size_t,
     struct hostent **, int *)
REAL(int, gethostbyname2_r, const char *, int, struct hostent *, char *, size_t,
     struct hostent **, int *)

/* host names from getaddrinfo, to tell policyd what a connect is for */
#define NAMES 64
struct name_ent {
	uint8_t addr[16];
	char host[256];
};
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
static struct name_ent names[NAMES];
static unsigned names_next;

/* An IPv4 address as policyd takes addresses: IPv4-mapped IPv6 */
static void v4_mapped(uint8_t out[16], const void *a4)
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, a4, 4);
}

static bool sockaddr_to16(const struct sockaddr *sa, socklen_t len,
			  uint8_t out[16], uint16_t *port)
{
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		v4_mapped(out, &s4->sin_addr);
		*port = ntohs(s4->sin_port);
		return true;
	}
	/* the kernel accepts an IPv6 address without the scope id (24
	 * bytes, the RFC 2133 size); anything it accepts is decided */
	if (sa->sa_family == AF_INET6 &&
	    len >= offsetof(struct sockaddr_in6, sin6_scope_id)) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		memcpy(out, &s6->sin6_addr, 16);
		*port = ntohs(s6->sin6_port);
		return true;
	}
	return false;
}

static void lookup_name(const uint8_t addr[16], char *host, size_t cap)
{
	host[0] = '\0';
	pthread_mutex_lock(&names_lock);
	for (unsigned i = 0; i < NAMES; i++)
		if (names[i].host[0] && !memcmp(names[i].addr, addr, 16)) {
			ip_scopy(host, cap, names[i].host, NULL);
			break;
		}
	pthread_mutex_unlock(&names_lock);
}

/* tcp (1) and udp (2) by socket type; anything else (raw, SCTP,
 * seqpacket, or a type we cannot read) is decided as "any" (0), which only
 * rules written with proto: any can allow */
static int sock_proto(int fd)
{
	int type = 0;
	socklen_t l = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0)
		return 0;
	return type == SOCK_DGRAM ? 2 : type == SOCK_STREAM ? 1 : 0;
}

/* A connect or send to a Unix socket, asked of policyd: the path as
 * passed (policyd resolves it in this process's cwd and root, as the
 * kernel does) or the abstract name (tgp_unix_abstract). enc: the request
 * begun; false: the address names no socket (unnamed, too short: the
 * kernel fails it). */
static bool unix_request(struct tgp_enc *e, const struct sockaddr *sa,
			 socklen_t len)
{
	const struct sockaddr_un *su = (const struct sockaddr_un *)sa;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	if (len <= off)
		return false;
	size_t max =
	    len - off < sizeof(su->sun_path) ? len - off : sizeof(su->sun_path);
	char name[TGP_UNIX_ABSTRACT_MAX];
	uint32_t flags = 0;
	if (su->sun_path[0] == '\0') {
		tgp_unix_abstract(su->sun_path + 1, max - 1, name);
		flags = TGPF_UNIX_ABSTRACT;
	} else {
		size_t n = strnlen(su->sun_path, max);
		memcpy(name, su->sun_path, n);
		name[n] = '\0';
	}
	tgp_put_u32(e, TGPT_KIND, TGPK_CONNECT);
	tgp_put_str(e, TGPT_PATH, name);
	tgp_put_u32(e, TGPT_DIRFD, TGP_AT_FDCWD);
	tgp_put_u32(e, TGPT_FLAGS, flags);
	return true;
}

static bool net_gate(int fd, const struct sockaddr *sa, socklen_t len)
{
	uint8_t a16[16];
	uint16_t port;
	bool unix_sock = sa && sa->sa_family == AF_UNIX;
	if (!ip_active || ip_in_hook ||
	    (!unix_sock && !sockaddr_to16(sa, len, a16, &port)))
		return true; /* AF_NETLINK, ...: not the policy's */
	if (ip_kernel_decides(TGPB_CONNECT)) {
		if (ip_conn_deferred()) {
			int saved = errno;
			ip_in_hook++;
			ip_conn_settle();
			ip_in_hook--;
			errno = saved;
		}
		return true;
	}
	int saved = errno;
	ip_in_hook++;
	uint8_t buf[1024];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_DECIDE, 4);
	if (unix_sock) {
		if (!unix_request(&e, sa, len)) {
			ip_in_hook--;
			errno = saved;
			return true; /* unnamed: the kernel says EINVAL */
		}
	} else {
		char host[256];
		lookup_name(a16, host, sizeof(host));
		tgp_put_u32(&e, TGPT_KIND, TGPK_CONNECT);
		tgp_put(&e, TGPT_ADDR, a16, 16);
		tgp_put_u32(&e, TGPT_PORT, port);
		tgp_put_u32(&e, TGPT_PROTO, (uint32_t)sock_proto(fd));
		if (host[0])
			tgp_put_str(&e, TGPT_HOST, host);
	}
	long n = tgp_enc_end(&e);
	struct ip_verdict v;
	v.unreachable = false;
	if (n > 0)
		ip_conn_ask(buf, (size_t)n, &v);
	else
		ip_verdict_unreachable(&v);
	if (!v.allow)
		ip_say("refused", "connect", v.target[0] ? v.target : "?",
		       v.rule, v.msg);
	ip_in_hook--;
	errno = v.allow ? saved : EPERM;
	return v.allow;
}

IP_EXPORT int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	if (!net_gate(fd, sa, len))
		return -1;
	return get_connect()(fd, sa, len);
}

IP_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
			 const struct sockaddr *sa, socklen_t len)
{
	if (sa && !net_gate(fd, sa, len))
		return -1;
	return get_sendto()(fd, buf, n, flags, sa, len);
}

IP_EXPORT ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
	if (m && m->msg_name && !net_gate(fd, m->msg_name, m->msg_namelen))
		return -1;
	return get_sendmsg()(fd, m, flags);
}

/*
 * The kernel path decides connects on addresses; tell policyd which name
 * this process looked up for them, so host rules can apply. policyd
 * believes a name only when its own lookup gives the same address.
 *
 * The report is a request with an answer, but the answer is read later,
 * by ip_conn_settle() in the next connect or sendto: that costs the lookup
 * no round trip, and the connect cannot be decided before policyd has the
 * names (the kernel's notification and this connection are two
 * descriptors to policyd, and nothing orders them).
 */
/* The addresses a name lookup gave, each once, at most NAME_ADDRS */
#define NAME_ADDRS 16
struct name_addrs {
	uint8_t a[NAME_ADDRS][16];
	unsigned n;
};

static void name_addrs_add(struct name_addrs *na, const uint8_t a16[16])
{
	for (unsigned i = 0; i < na->n; i++)
		if (!memcmp(na->a[i], a16, 16))
			return;
	if (na->n < NAME_ADDRS)
		memcpy(na->a[na->n++], a16, 16);
}

/* Tells policyd (the kernel path's connects) what node resolved to: one
 * NAMES report, answered before the next call on the connection. */
static void report_names(const char *node, const struct name_addrs *na)
{
	unsigned n = na->n < TGP_MAX_NAME_ADDRS ? na->n : TGP_MAX_NAME_ADDRS;
	const uint8_t(*addrs)[16] = na->a;
	int saved = errno;
	ip_in_hook++;
	uint8_t buf[512];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_NAMES, 0);
	tgp_put_str(&e, TGPT_HOST, node);
	tgp_put(&e, TGPT_ADDRS, addrs, n * 16);
	ip_conn_defer(buf, tgp_enc_end(&e));
	ip_in_hook--;
	errno = saved;
}

/* A lookup of node gave these addresses: remembered, so a connect can say
 * what it is for (policyd checks the claim with its own lookup), and
 * reported to policyd under the backstop. An address written as node is
 * not a name. */
static void note_name(const char *node, const struct name_addrs *na)
{
	uint8_t lit[16];
	if (!ip_active || !node || ip_slen(node) >= 256 || !na->n ||
	    inet_pton(AF_INET, node, lit) == 1 ||
	    inet_pton(AF_INET6, node, lit) == 1)
		return;
	pthread_mutex_lock(&names_lock);
	for (unsigned i = 0; i < na->n; i++) {
		struct name_ent *ne = &names[names_next++ % NAMES];
		memcpy(ne->addr, na->a[i], 16);
		ip_scopy(ne->host, sizeof(ne->host), node, NULL);
	}
	pthread_mutex_unlock(&names_lock);
	if (ip_kernel_decides(TGPB_CONNECT))
		report_names(node, na);
}

IP_EXPORT int getaddrinfo(const char *node, const char *service,
			  const struct addrinfo *hints, struct addrinfo **res)
{
	int r = get_getaddrinfo()(node, service, hints, res);
	if (r != 0 || !ip_active || !node || !res)
		return r;
	int saved = errno;
	struct name_addrs na = {.n = 0};
	for (struct addrinfo *ai = *res; ai; ai = ai->ai_next) {
		uint8_t a16[16];
		uint16_t port;
		if (sockaddr_to16(ai->ai_addr, ai->ai_addrlen, a16, &port))
			name_addrs_add(&na, a16);
	}
	note_name(node, &na);
	errno = saved;
	return r;
}

/* The older lookups: a struct hostent's addresses */
static void note_hostent(const char *node, const struct hostent *h)
{
	if (!h || !h->h_addr_list || !ip_active)
		return;
	int saved = errno;
	struct name_addrs na = {.n = 0};
	for (char **p = h->h_addr_list; *p; p++) {
		uint8_t a16[16];
		if (h->h_addrtype == AF_INET && h->h_length == 4) {
			v4_mapped(a16, *p);
		} else if (h->h_addrtype == AF_INET6 && h->h_length == 16) {
			memcpy(a16, *p, 16);
		} else {
			continue;
		}
		name_addrs_add(&na, a16);
	}
	note_name(node, &na);
	errno = saved;
}

IP_EXPORT struct hostent *gethostbyname(const char *name)
{
	struct hostent *h = get_gethostbyname()(name);
	note_hostent(name, h);
	return h;
}

IP_EXPORT struct hostent *gethostbyname2(const char *name, int af)
{
	struct hostent *h = get_gethostbyname2()(name, af);
	note_hostent(name, h);
	return h;
}

IP_EXPORT int gethostbyname_r(const char *name, struct hostent *ret, char *buf,
			      size_t buflen, struct hostent **result,
			      int *h_errnop)
{
	int r = get_gethostbyname_r()(name, ret, buf, buflen, result, h_errnop);
	if (r == 0 && result)
		note_hostent(name, *result);
	return r;
}

IP_EXPORT int gethostbyname2_r(const char *name, int af, struct hostent *ret,
			       char *buf, size_t buflen,
			       struct hostent **result, int *h_errnop)
{
	int r = get_gethostbyname2_r()(name, af, ret, buf, buflen, result,
				       h_errnop);
	if (r == 0 && result)
		note_hostent(name, *result);
	return r;
}

/* names_lock is a leaf: nothing is taken while it is held */
void ip_net_lock(void)
{
	pthread_mutex_lock(&names_lock);
}

void ip_net_unlock(void)
{
	pthread_mutex_unlock(&names_lock);
}
