/* SPDX-License-Identifier: MIT */
#include "rtcount.h"

#include <stdint.h>
#include <string.h>

#include "exec_verify.h"
#include "req_decode.h"
#include "tg_proto.h"
#include "util.h"

#define RT_NR_MAX 512 /* x86_64 system call numbers stay below */

static const char *const kind_names[RT_KIND_MAX] = {
    [RT_EXEC] = "exec",		  [RT_GIT] = "git",
    [RT_OPEN_READ] = "open-read",	  [RT_OPEN_WRITE] = "open-write",
    [RT_FILE_NAMES] = "file-names", [RT_FILE_META] = "file-meta",
    [RT_BIND] = "bind",		  [RT_CONNECT] = "connect",
    [RT_NAMES] = "names",		  [RT_HELLO] = "hello",
    [RT_SESSION] = "session",	  [RT_PROC] = "proc",
    [RT_REFUSED] = "refused",	  [RT_OTHER] = "other",
};

static struct {
	uint64_t req[RT_KIND_MAX], notif[RT_KIND_MAX];
	uint64_t req_ns[RT_KIND_MAX], notif_ns[RT_KIND_MAX];
	uint64_t by_nr[RT_NR_MAX], nr_ns[RT_NR_MAX];
	const char *nr_name[RT_NR_MAX];
	uint64_t *cur; /* the counter of the round trip being handled */
	int cur_nr;    /* its system call (-1: a request, or not counted) */
	uint64_t t0;   /* when it was received */
} R;

static enum rt_kind request_kind(unsigned type, const struct req *q)
{
	switch (type) {
	case TGP_HELLO:
		return RT_HELLO;
	case TGP_SESSION_NEW:
	case TGP_LISTENER:
		return RT_SESSION;
	case TGP_NAMES:
		return RT_NAMES;
	case TGP_DECIDE:
		break;
	default:
		return RT_OTHER;
	}
	if (!q)
		return RT_OTHER;
	switch (q->kind) {
	case TGPK_EXEC:
		return RT_EXEC;
	case TGPK_CONNECT:
		return RT_CONNECT;
	case TGPK_OPEN:
		if (q->label)
			return RT_FILE_NAMES;
		return q->access & ~TGPA_READ ? RT_OPEN_WRITE : RT_OPEN_READ;
	default:
		return RT_OTHER;
	}
}

void rtcount_request(unsigned type, const struct req *q)
{
	R.cur = &R.req[request_kind(type, q)];
	(*R.cur)++;
	R.cur_nr = -1;
	R.t0 = tg_mono_ns();
}

static enum rt_kind file_kind(const struct tg_syscall *sc)
{
	static const char *const names[] = {"rename", "link", "delete",
					    "create"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (sc->kind && !strcmp(sc->kind, names[i]))
			return RT_FILE_NAMES;
	return RT_FILE_META;
}

static enum rt_kind notified_kind(const struct tg_syscall *sc)
{
	switch (sc ? sc->family : TG_SC_NONE) {
	case TG_SC_EXEC:
		return RT_EXEC;
	case TG_SC_OPEN:
		return RT_OPEN_WRITE;
	case TG_SC_FILE:
		return file_kind(sc);
	case TG_SC_BIND:
		return RT_BIND;
	case TG_SC_NET:
		return RT_CONNECT;
	case TG_SC_PROC:
		return RT_PROC;
	case TG_SC_REFUSE:
		return RT_REFUSED;
	case TG_SC_NONE:
	case TG_SC_SOCKET:
	case TG_SC_FAMILY_MAX:
	default:
		return RT_OTHER;
	}
}

void rtcount_notified(const struct tg_syscall *sc)
{
	R.cur = &R.notif[notified_kind(sc)];
	(*R.cur)++;
	R.cur_nr = -1;
	R.t0 = tg_mono_ns();
	if (sc && sc->nr >= 0 && sc->nr < RT_NR_MAX) {
		R.by_nr[sc->nr]++;
		R.nr_name[sc->nr] = sc->name;
		R.cur_nr = sc->nr;
	}
}

void rtcount_done(void)
{
	if (!R.cur)
		return;
	uint64_t ns = tg_mono_ns() - R.t0;
	size_t k;
	if (R.cur >= R.notif && R.cur < R.notif + RT_KIND_MAX) {
		k = (size_t)(R.cur - R.notif);
		R.notif_ns[k] += ns;
	} else if (R.cur >= R.req && R.cur < R.req + RT_KIND_MAX) {
		k = (size_t)(R.cur - R.req);
		R.req_ns[k] += ns;
	}
	if (R.cur_nr >= 0)
		R.nr_ns[R.cur_nr] += ns;
	R.cur = NULL;
	R.cur_nr = -1;
}

/* mean microseconds per round trip (0 when none) */
static unsigned long long mean_us(uint64_t ns, uint64_t n)
{
	return n ? (unsigned long long)((ns / n + 500) / 1000) : 0;
}

void rtcount_retag(enum rt_kind from, enum rt_kind to)
{
	if (from >= RT_KIND_MAX || to >= RT_KIND_MAX || !R.cur || !*R.cur)
		return;
	uint64_t *base = R.cur == &R.notif[from] ? R.notif
			 : R.cur == &R.req[from] ? R.req
						 : NULL;
	if (!base)
		return; /* counted as something else already */
	base[from]--;
	base[to]++;
	R.cur = &base[to];
}

void rtcount_format(struct strbuf *b, bool json)
{
	if (json)
		strbuf_puts(b, ",\"round_trips\":{");
	else
		strbuf_printf(b, "round trips:    %-11s %10s %14s %12s\n",
			      "kind", "requests", "notifications", "µs each");
	for (int k = 0, n = 0; k < RT_KIND_MAX; k++) {
		if (json)
			strbuf_printf(
			    b,
			    "%s\"%s\":{\"requests\":%llu,"
			    "\"notifications\":%llu,\"requests_ns\":%llu,"
			    "\"notifications_ns\":%llu}",
			    n++ ? "," : "", kind_names[k],
			    (unsigned long long)R.req[k],
			    (unsigned long long)R.notif[k],
			    (unsigned long long)R.req_ns[k],
			    (unsigned long long)R.notif_ns[k]);
		else if (R.req[k] || R.notif[k])
			strbuf_printf(b,
				      "                %-11s %10llu %14llu "
				      "%5llu / %-5llu\n",
				      kind_names[k],
				      (unsigned long long)R.req[k],
				      (unsigned long long)R.notif[k],
				      mean_us(R.req_ns[k], R.req[k]),
				      mean_us(R.notif_ns[k], R.notif[k]));
	}
	strbuf_puts(b, json ? "},\"notified_calls\":{" : "notified calls:");
	for (int nr = 0, n = 0; nr < RT_NR_MAX; nr++) {
		if (!R.by_nr[nr])
			continue;
		strbuf_printf(b, json ? "%s\"%s\":%llu" : "%s %s %llu",
			      n++ ? "," : "", R.nr_name[nr],
			      (unsigned long long)R.by_nr[nr]);
	}
	/* the time per call, apart: the member above stays a count */
	strbuf_puts(b, json ? "},\"notified_calls_ns\":{" : "\nµs each:      ");
	for (int nr = 0, n = 0; nr < RT_NR_MAX; nr++) {
		if (!R.by_nr[nr])
			continue;
		if (json)
			strbuf_printf(b, "%s\"%s\":%llu", n++ ? "," : "",
				      R.nr_name[nr],
				      (unsigned long long)R.nr_ns[nr]);
		else
			strbuf_printf(b, "%s %s %llu", n++ ? "," : "",
				      R.nr_name[nr],
				      mean_us(R.nr_ns[nr], R.by_nr[nr]));
	}
	strbuf_puts(b, json ? "}" : "\n");
	/* an exec held for a check at its exec stop (exec_verify.c) waits
	 * for policyd twice: the notification and the stop */
	uint64_t ver, kill;
	exec_verify_counts(&ver, &kill);
	strbuf_printf(b, json ? ",\"exec_holds\":%llu" : "exec holds:     %llu\n",
		      (unsigned long long)(ver + kill));
}
