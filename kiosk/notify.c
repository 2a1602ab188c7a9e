/* sd_notify behind four calls, so the rest of the kiosk never includes systemd's headers. Failures to notify
 * are ignored on purpose: a kiosk without a supervisor must run the same. */
#include "kiosk/notify.h"

#include <systemd/sd-daemon.h>

int64_t notify_watchdog_ms(void)
{
	uint64_t usec = 0;

	/* 0 keeps WATCHDOG_USEC in the environment: nothing the kiosk starts may ping for it anyway, as
	 * NotifyAccess=main refuses other processes. */
	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return (int64_t)(usec / 1000);
}

void notify_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void notify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}

void notify_watchdog_trigger(const char *status)
{
	sd_notifyf(0, "WATCHDOG=trigger\nSTATUS=%s", status);
}

void notify_status(const char *status)
{
	sd_notifyf(0, "STATUS=%s", status);
}
