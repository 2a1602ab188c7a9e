/* Telling systemd how the kiosk is: readiness, the watchdog ping and status lines (sd_notify). Without
 * NOTIFY_SOCKET (a developer's run, tests) every call does nothing. Tests point NOTIFY_SOCKET at a datagram
 * socket of their own and set WATCHDOG_USEC, exactly as systemd does. */
#ifndef KIOSK_NOTIFY_H
#define KIOSK_NOTIFY_H

#include <stdint.h>

/* The watchdog period systemd asked for (WatchdogSec=, passed as WATCHDOG_USEC), in ms; 0 when there is none.
 * Reads the environment once; WATCHDOG_PID, when set, must be this process. */
int64_t notify_watchdog_ms(void);
/* READY=1 with a STATUS= line. */
void notify_ready(const char *status);
/* WATCHDOG=1: the main loop turned and the health check passed. */
void notify_watchdog(void);
/* WATCHDOG=trigger: the health check failed; systemd runs the watchdog action (a restart) now. */
void notify_watchdog_trigger(const char *status);
/* STATUS=, shown by systemctl status. */
void notify_status(const char *status);

#endif
