/* SPDX-License-Identifier: MIT */
#include "records.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "daemon.h"
#include "log.h"
#include "procfs.h"
#include "session.h"
#include "sha256.h" /* common/ */
#include "util.h"

/* a policy file larger than this is not read for its digest (the loader
 * refuses far smaller ones) */
#define DIGEST_MAX_BYTES (16u << 20)

const char *records_session_name(const char *id)
{
	/* by id only: a session may be named like another one's id */
	for (const struct session *s = D.sessions; s; s = s->next)
		if (!strcmp(s->id, id))
			return s->name;
	return NULL;
}

/* The policy file's SHA-256 into hex, or why there is none. O_NONBLOCK: a
 * FIFO put where the policy was must not stall the daemon (it is refused
 * as not a regular file). */
static const char *digest(const char *path, char hex[TG_SHA256_HEX])
{
	int r = 0;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	struct tg_sha256 c;
	tg_sha256_init(&c);
	uint8_t buf[8192];
	uint64_t total = 0;
	while (r == 0) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : 0;
			break;
		}
		if ((total += (uint64_t)n) > DIGEST_MAX_BYTES)
			r = -EFBIG;
		else
			tg_sha256_update(&c, buf, (size_t)n);
	}
	if (r < 0) {
		snprintf(hex, TG_SHA256_HEX, "unreadable: %s", strerror(-r));
		return hex;
	}
	uint8_t d[TG_SHA256_LEN];
	tg_sha256_final(&c, d);
	tg_sha256_hex(d, hex);
	return hex;
}

void records_session_started(const struct session *s, pid_t shell, uid_t uid)
{
	if (!D.audit)
		return;
	struct proc_stat st = {0};
	char exe[TG_PATH_MAX] = "", hex[TG_SHA256_HEX];
	procfs_stat(shell, &st);
	procfs_link(shell, "exe", exe, sizeof(exe));
	struct audit_rec r = {
	    .session = s->id,
	    .session_name = s->name,
	    .pid = shell,
	    .ppid = st.ppid,
	    .uid = uid,
	    .exe = exe[0] ? exe : NULL,
	    .cwd = s->pwd,
	    .kind = "session",
	    .target = s->name,
	    .tier = -1,
	    .decision = "started",
	    .detail = s->policy_path,
	    .extra = {{"policy", s->policy_path, 0},
		      {"policy_sha256", digest(s->policy_path, hex), 0},
		      {"generation", NULL, (long long)D.generation}}};
	audit_write(D.audit, &r);
}

void records_session_killed(const struct session *s,
			    const struct records_by *by, int n)
{
	if (!D.audit)
		return;
	char exe[TG_PATH_MAX] = "", what[64];
	procfs_link(by->pid, "exe", exe, sizeof(exe));
	if (n < 0)
		snprintf(what, sizeof(what), "kill failed: %s", strerror(-n));
	else
		snprintf(what, sizeof(what), "%d process%s killed", n,
			 n == 1 ? "" : "es");
	struct audit_rec r = {.session = s->id,
			      .session_name = s->name,
			      .pid = s->root_pid,
			      .uid = by->uid,
			      .kind = "session",
			      .target = s->name,
			      .tier = -1,
			      .decision = "killed",
			      .detail = what,
			      .extra = {{"killed_by", by->how, 0},
					{"killed_by_pid", NULL, by->pid},
					{"killed_by_uid", NULL, by->uid},
					{"killed_by_exe", exe, 0},
					{"processes", NULL, n < 0 ? 0 : n}}};
	audit_write(D.audit, &r);
}

/* One record per session and reload (none: one saying so): the file's
 * SHA-256, and for a reload that took effect the policy's content digests
 * before and after (every file read, includes too: session_reloaded). */
static void reload_record(const struct session *s, const struct records_by *by,
			  const char *err, const struct session_reloaded *info)
{
	if (!D.audit)
		return;
	char hex[TG_SHA256_HEX];
	char now[TG_SHA256_HEX] = "", was[TG_SHA256_HEX] = "";
	char d[TG_PATH_MAX + 700];
	const char *path = s ? s->policy_path : D.default_policy;
	const char *detail = !s ? "no session: nothing to reload" : err;
	if (info) {
		tg_sha256_hex(info->now, now);
		tg_sha256_hex(info->was, was);
		snprintf(
		    d, sizeof(d),
		    "policy %.4096s reloaded: content sha256 %s (was %s)%s%s",
		    path, now, was, info->pin_err[0] ? "; " : "",
		    info->pin_err);
		detail = d;
	}
	struct audit_rec r = {
	    .session = s ? s->id : NULL,
	    .session_name = s ? s->name : NULL,
	    .pid = by->pid,
	    .uid = by->uid,
	    .kind = "reload",
	    .target = path,
	    .tier = -1,
	    .decision = !s ? "none" : err ? "kept" : "loaded",
	    .detail = detail,
	    .extra = {{"policy", path, 0},
		      {"policy_sha256", digest(path, hex), 0},
		      {"generation", NULL, (long long)D.generation},
		      {"by", by->how, 0},
		      {info ? "content_sha256" : NULL, now, 0},
		      {"was_content_sha256", was, 0}}};
	audit_write(D.audit, &r);
}

int records_reload_all(const struct records_by *by, struct strbuf *report)
{
	/* the interposers are told first: they ask again only once the
	 * event loop runs, after every session below was reloaded, and the
	 * records name the generation the new policies are served in */
	daemon_generation_bump();
	daemon_log("%s (pid %d uid %u): reloading policies", by->how,
		   (int)by->pid, (unsigned)by->uid);
	int ok = 0, bad = 0;
	for (struct session *s = D.sessions; s; s = s->next) {
		char err[4096];
		struct session_reloaded info;
		if (session_reload(s, &info, err, sizeof(err)) < 0) {
			if (report)
				strbuf_printf(report,
					      "session %s: policy NOT reloaded, "
					      "the old one stays in force:\n%s\n",
					      s->id, err);
			daemon_log("reload of %s rejected, old policy "
				   "stays:\n%s",
				   s->policy_path, err);
			reload_record(s, by, err, NULL);
			bad++;
		} else {
			reload_record(s, by, NULL, &info);
			ok++;
		}
	}
	if (!D.sessions)
		reload_record(NULL, by, NULL, NULL);
	if (report)
		strbuf_printf(report, "reloaded %d session%s, %d rejected\n",
			      ok, ok == 1 ? "" : "s", bad);
	return bad;
}
