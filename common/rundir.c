/* SPDX-License-Identifier: MIT */
#include "rundir.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_dir(const char *d, bool create)
{
	struct stat st;
	if (create && mkdir(d, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(d, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 0022))
		return -EPERM;
	return 0;
}

static int mkdir_p(const char *path)
{
	char tmp[600];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	if (mkdir(tmp, 0750) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int rundir_get(bool system, bool create, struct rundir *rd)
{
	memset(rd, 0, sizeof(*rd));
	rd->system = system;
	const char *ov = secure_getenv("TIERGATE_RUNDIR");
	const char *xdg = secure_getenv("XDG_RUNTIME_DIR");
	if (ov && ov[0] == '/')
		snprintf(rd->dir, sizeof(rd->dir), "%s", ov);
	else if (system)
		snprintf(rd->dir, sizeof(rd->dir), "/run/tiergate");
	else if (xdg && xdg[0] == '/')
		snprintf(rd->dir, sizeof(rd->dir), "%s/tiergate", xdg);
	else
		snprintf(rd->dir, sizeof(rd->dir), "/tmp/tiergate-%u",
			 (unsigned)geteuid());
	snprintf(rd->agent_sock, sizeof(rd->agent_sock), "%s/agent.sock",
		 rd->dir);
	snprintf(rd->control_sock, sizeof(rd->control_sock), "%s/control.sock",
		 rd->dir);
	snprintf(rd->pidfile, sizeof(rd->pidfile), "%s/policyd.pid", rd->dir);
	snprintf(rd->logfile, sizeof(rd->logfile), "%s/policyd.log", rd->dir);

	char adir[512];
	if (ov && ov[0] == '/') {
		snprintf(adir, sizeof(adir), "%s", ov);
	} else if (system) {
		snprintf(adir, sizeof(adir), "/var/log/tiergate");
	} else {
		const char *state = secure_getenv("XDG_STATE_HOME");
		const char *home = secure_getenv("HOME");
		struct passwd *pw = getpwuid(geteuid());
		if (!home && pw)
			home = pw->pw_dir;
		if (state && state[0] == '/')
			snprintf(adir, sizeof(adir), "%s/tiergate", state);
		else
			snprintf(adir, sizeof(adir), "%s/.local/state/tiergate",
				 home ? home : "/tmp");
	}
	snprintf(rd->audit, sizeof(rd->audit), "%s/audit.jsonl", adir);
	if (!create)
		return 0;
	int r = check_dir(rd->dir, true);
	if (r == -ENOENT) {
		r = mkdir_p(rd->dir);
		if (r == 0)
			chmod(rd->dir, 0700);
		r = check_dir(rd->dir, false);
	}
	if (r < 0)
		return r;
	return mkdir_p(adir);
}
