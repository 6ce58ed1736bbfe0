/* SPDX-License-Identifier: MIT */
/* ip_state: the session's settings, the re-entry guard, raw helpers. */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ip_state.h"
#include "tg_proto.h"

char ip_sock_path[108] IP_BOOT;
char ip_session[32] IP_BOOT;
uint32_t ip_backstop_env IP_BOOT;
bool ip_active IP_BOOT;
_Atomic int ip_fail_open IP_BOOT;

__thread int ip_in_hook __attribute__((tls_model("initial-exec")));

size_t ip_slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

void ip_scopy(char *dst, size_t cap, const char *a, const char *b)
{
	size_t o = 0;
	for (const char *p = a; p && *p && o + 1 < cap; p++)
		dst[o++] = *p;
	for (const char *p = b; p && *p && o + 1 < cap; p++)
		dst[o++] = *p;
	dst[o] = '\0';
}

uint64_t ip_hash(const char *p, size_t n)
{
	size_t i = 0;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	if (n >= 8) /* the last 8 bytes, overlapping: no call for the tail */
		memcpy(&w, p + n - 8, 8);
	else
		for (size_t j = 0; j < n; j++)
			w |= (uint64_t)(unsigned char)p[j] << (8 * j);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

bool ip_has_prefix(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return false;
	return true;
}

const char *ip_env_get(char *const *envp, const char *name)
{
	size_t n = ip_slen(name);
	for (char *const *e = envp; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static void raw_write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		long w = syscall(SYS_write, fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

void ip_say(const char *verb, const char *kind, const char *target,
	    const char *rule, const char *msg)
{
	char line[2048];
	size_t n =
	    tgp_refusal_line(line, sizeof(line), verb, kind, target, rule, msg);
	raw_write_all(2, line, n);
}

uint64_t ip_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
