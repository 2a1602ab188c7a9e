/* The kiosk's devices: opened from the configuration, their events turned into journey events. */
#ifndef KIOSK_DEVICES_H
#define KIOSK_DEVICES_H

#include "drivers/device.h"

#include <stdint.h>

struct kiosk;

/* What travels through the UI thread's wake-up: a device event, a script line from the control socket, or word
 * from the uplink that its status changed. */
struct kiosk_msg {
	enum { KIOSK_MSG_DEVICE, KIOSK_MSG_LINE, KIOSK_MSG_UPLINK } kind;
	struct dev_event ev;
	char line[512];
};

/* Opens every configured device. A device that fails to open is logged and left NULL: the journey shows what
 * cannot be done without it, and everything else goes on. */
void devices_open(struct kiosk *k);
void devices_close(struct kiosk *k);
/* Polls every device for results due at now. */
void devices_poll(struct kiosk *k, int64_t now);
/* The earliest deadline of any device, or INT64_MAX. */
int64_t devices_next_deadline(const struct kiosk *k);
/* Handles one device event (consumes its payload). */
void devices_handle(struct kiosk *k, struct dev_event *ev);
/* Runs a device control command: "<class> <command>", e.g. "idcard insert resident". */
enum kerr devices_control(struct kiosk *k, const char *line);

#endif
