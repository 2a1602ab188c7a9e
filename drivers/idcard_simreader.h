/* A simulated GA/T 467 reader module: command bytes in, reply bytes out, on a clock. The in-process
 * "sim" backend and the pty simulator (kioskctl idcard simulate) both put it behind a transport, so
 * the kiosk's real frame and text parsers read its cards. */
#ifndef DRIVERS_IDCARD_SIMREADER_H
#define DRIVERS_IDCARD_SIMREADER_H

#include "common/clock.h"
#include "common/kerr.h"

#include <stddef.h>
#include <stdint.h>

struct idcard_simreader;

/* A module with no card, answering latency_ms after each command on clock (borrowed; it must
 * outlive the module). The caller owns *ret. Errors: KERR_NOMEM. */
enum kerr idcard_simreader_create(struct clock *clock, int latency_ms,
				  struct idcard_simreader **ret);
/* Zeroes and frees (NULL-safe). */
void idcard_simreader_destroy(struct idcard_simreader *m);

/* Bytes from the host. Whole commands are answered (their replies queued); a partial command
 * waits for the rest; bad frames are answered with the checksum or length status. */
void idcard_simreader_write(struct idcard_simreader *m, const uint8_t *buf, size_t n);
/* Copies up to cap reply bytes that are due now; returns how many (0 when none). */
size_t idcard_simreader_read(struct idcard_simreader *m, uint8_t *buf, size_t cap);
/* When queued reply bytes become readable, or INT64_MAX when none are queued. */
int64_t idcard_simreader_ready_at(const struct idcard_simreader *m);
/* The link dropped (unplug): queued replies and partial commands are lost, the card deselected. */
void idcard_simreader_drop_link(struct idcard_simreader *m);

/* The card and fault switches: "insert resident|elder|expired|hmt|foreign|foreign-2017|
 * unreadable|unknown-type|other-card" (the last two: not a card the kiosk accepts), "remove", "fault read on|off", "fault remove-mid-read on|off", "slow on|off".
 * Errors: KERR_INVAL for anything else. */
enum kerr idcard_simreader_control(struct idcard_simreader *m, const char *cmd);
/* The names "insert" takes, NULL-terminated, for help texts. */
const char *const *idcard_simreader_card_names(void);

#endif
