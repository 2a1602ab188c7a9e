/* The kiosk's own health check, which decides whether the main loop may ping systemd's watchdog. Pure logic
 * on times the caller passes in, so a unit test can walk it.
 *
 * Healthy means both of:
 *  - the main loop turns: no single turn (from the wait returning to the next wait) was busy longer than
 *    turn_max_ms, a third of the watchdog period capped at HEALTH_TURN_MAX_MS. A longer turn is a screen that
 *    froze under a resident's finger; a loop that never returns sends nothing and systemd's own timer fires.
 *  - the store takes writes: a probe (one committed write, queue_probe()) every probe_every_ms between
 *    residents succeeds; HEALTH_PROBE_FAILURES failures in a row fail the check (one may be a lock held by
 *    the sync worker). A store that could not be opened at start is not probed: the home screen says so and a
 *    restart would not mend it, so it must not restart the kiosk in a loop.
 * Once failed, the check stays failed: the kiosk sends WATCHDOG=trigger once and no more pings. */
#ifndef KIOSK_HEALTH_H
#define KIOSK_HEALTH_H

#include "common/kerr.h"

#include <stdbool.h>
#include <stdint.h>

#define HEALTH_TURN_MAX_MS 10000
#define HEALTH_PROBE_FAILURES 3

enum health_fault {
	HEALTH_OK,
	HEALTH_LOOP_SLOW, /* a loop turn was busy longer than turn_max_ms */
	HEALTH_STORE,     /* the store refused HEALTH_PROBE_FAILURES probes in a row */
	HEALTH__COUNT
};

enum health_action {
	HEALTH_NONE,
	HEALTH_PING,    /* send WATCHDOG=1 */
	HEALTH_TRIGGER, /* send WATCHDOG=trigger (once) */
	HEALTH_ACTION__COUNT
};

struct health {
	int64_t ping_every_ms;  /* half the watchdog period; 0: no watchdog, never ping */
	int64_t turn_max_ms;
	int64_t probe_every_ms; /* 0: no store to probe */
	int64_t next_ping_ms, next_probe_ms;
	int64_t turn_start_ms;
	int64_t worst_turn_ms;  /* the busiest turn seen, for the status line */
	int probe_failures;     /* in a row */
	enum kerr last_probe;
	enum health_fault fault;
	bool triggered;
};

/* watchdog_ms: the period systemd asked for (0: none). probe_every_ms: 0 when there is no store. */
void health_init(struct health *h, int64_t watchdog_ms, int64_t probe_every_ms, int64_t now);
/* The loop's wait returned at now; health_turn_end() when the turn's work is done. */
void health_turn_start(struct health *h, int64_t now);
void health_turn_end(struct health *h, int64_t now);
/* Whether a store probe is due at now; the caller runs it and reports with health_probe_result(). */
bool health_probe_due(const struct health *h, int64_t now);
void health_probe_result(struct health *h, enum kerr e, int64_t now);
/* What to send to systemd at now (a ping is due only every ping_every_ms). */
enum health_action health_tick(struct health *h, int64_t now);
/* The next time health_tick() or a probe may have something to do, or INT64_MAX: the loop's wait ends then. */
int64_t health_next_deadline(const struct health *h);
const char *health_fault_str(enum health_fault f);

#endif
