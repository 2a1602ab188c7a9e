/* Level-filtered log lines on stderr, with the systemd <N> priority prefix so journald keeps the level. */
#include "common/log.h"

#include "common/mask.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_names[LOG__COUNT] = {
	[LOG_ERR] = "err", [LOG_WARN] = "warn", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};
static const int syslog_prio[LOG__COUNT] = { [LOG_ERR] = 3, [LOG_WARN] = 4, [LOG_INFO] = 6, [LOG_DEBUG] = 7 };

static enum log_level threshold(void)
{
	const char *s = getenv("KIOSK_LOG");

	if (!s)
		return LOG_INFO;
	for (int i = 0; i < LOG__COUNT; i++)
		if (strcmp(s, level_names[i]) == 0)
			return (enum log_level)i;
	return LOG_INFO;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (level > threshold())
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Callers mask what they log; an ID or phone number that slips through (a platform's error
	 * text, say) is masked here before it reaches the journal. */
	mask_scrub(line);
	fprintf(stderr, "<%d>kiosk %s: %s\n", syslog_prio[level], level_names[level], line);
}
