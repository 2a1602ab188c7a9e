/* The GA/T 467 reader loop over any byte transport: status, poll find-card, select, read, decode,
 * post. Runs from dev_poll() on the device's clock; never sleeps. */
#ifndef DRIVERS_IDCARD_READER_H
#define DRIVERS_IDCARD_READER_H

#include "drivers/idcard.h"

#include <stdint.h>

/* How often find-card is sent while looking for a card, how long a reply may take, and how often a
 * faulty or absent module is probed again with the status command. */
#define IDCARD_POLL_MS		300
#define IDCARD_REPLY_TIMEOUT_MS 3000
#define IDCARD_REPROBE_MS	1000
/* Consecutive failed exchanges (timeouts, garbled replies) before the module is declared faulty. */
#define IDCARD_MAX_FAILS 3

/* A byte pipe to one reader module. Split into send and receive so that one loop can drive it
 * without blocking: a USB or serial backend reads what has arrived, the simulator releases its
 * reply when the clock says so. */
struct idcard_transport {
	/* Sends one whole command frame. KERR_NO_DEVICE when the module is gone, else KERR_IO. */
	enum kerr (*send)(void *ctx, const uint8_t *buf, size_t n);
	/* Copies up to cap bytes that have arrived into buf, without waiting; *ret_n may be 0. */
	enum kerr (*recv)(void *ctx, uint8_t *buf, size_t cap, size_t *ret_n);
	/* When recv() may next have bytes, on the kiosk's monotonic clock; INT64_MAX when the
	 * transport cannot tell (the loop then checks again at its timeout). May be NULL. */
	int64_t (*ready_at)(void *ctx);
	/* The system's words for the last failure ("open /dev/ttyUSB0: No such file or directory"),
	 * kept in the device's status detail. May be NULL. */
	const char *(*error)(void *ctx);
	void *ctx;
};

struct idcard_reader;

/* Creates the loop for device d (whose sink, clock and status it uses) over transport t (copied;
 * ctx is borrowed and must outlive the reader). Sends the status command on the first poll; d's
 * status is BUSY until the module answers, then READY, FAULT or ABSENT. Errors: KERR_NOMEM. */
enum kerr idcard_reader_create(struct dev *d, const struct idcard_transport *t,
			       struct idcard_reader **ret);
/* NULL-safe. Frees nothing posted: events' payloads belong to their receivers. */
void idcard_reader_destroy(struct idcard_reader *r);
/* While enabled a new card is read once; while a handled card lies on the reader it is watched,
 * enabled or not, so DEV_EV_CARD_REMOVED tells the application it was taken. */
void idcard_reader_enable(struct idcard_reader *r, bool on);
void idcard_reader_poll(struct idcard_reader *r, int64_t now);
int64_t idcard_reader_next_deadline(const struct idcard_reader *r);
/* The transport reports the module attached or detached (a hot-plug notice): ABSENT at once on
 * detach, a fresh status probe on attach. */
void idcard_reader_hotplug(struct idcard_reader *r, bool attached);

#endif
