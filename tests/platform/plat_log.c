/* The platform's log lines on stderr ("platform: case ... -> ..."), what a developer watches during `make run`,
 * and its clock. */
#include "tests/platform/plat.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "common/clock.h"

static void line(const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* One fprintf per line: stdio locks the stream, so threads never interleave within a line. */
	fprintf(stderr, "platform: %s\n", buf);
}

void plat_log_info(const struct plat *p, const char *fmt, ...)
{
	va_list ap;

	if (p->quiet)
		return;
	va_start(ap, fmt);
	line(fmt, ap);
	va_end(ap);
}

void plat_log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line(fmt, ap);
	va_end(ap);
}

int64_t plat_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void plat_format_at(int64_t ms, char *out, size_t n)
{
	int y, mo, d, h, mi, s, wd;

	clock_local(ms, &y, &mo, &d, &h, &mi, &s, &wd);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, mo, d, h, mi, s);
}
