/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "util.h"

void daemon_log(const char *fmt, ...)
{
	char ts[32];
	uint64_t now = tg_now_us();
	time_t secs = (time_t)(now / 1000000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "policyd %s: ", ts);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
