/* The kiosk and its uplink (offline-queue/uplink.h). Every function is for the kiosk's thread and
 * does nothing when no platform is configured. */
#ifndef KIOSK_SYNC_H
#define KIOSK_SYNC_H

#include <stdbool.h>
#include <stddef.h>

struct kiosk;

/* Starts the worker when platform.url is set; a failure is logged and the kiosk goes on queuing. */
void sync_start(struct kiosk *k);
void sync_stop(struct kiosk *k);
/* A case or evaluation was stored, or the link may be back. */
void sync_kick(struct kiosk *k);
/* Passes the devices' states and the free space to the next heartbeat. */
void sync_report_health(struct kiosk *k);
/* Whether new cases may say their time came from a clock the platform confirmed. */
bool sync_clock_trusted(struct kiosk *k);
/* The worker said something changed: take a new catalog (between residents), a query's answer,
 * the online state. */
void sync_handle(struct kiosk *k);
/* Switches to a catalog the worker stored, if one waits and no resident is in a session. */
void sync_apply_catalog(struct kiosk *k);
/* Where the platform's catalog is kept: data_dir/catalog.json. */
const char *sync_catalog_path(const struct kiosk *k, char *buf, size_t size);

#endif
