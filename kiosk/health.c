/* The health check's rules (kiosk/health.h says what healthy means). */
#include "kiosk/health.h"

#include <stddef.h>

static const char *const fault_names[HEALTH__COUNT] = {
	[HEALTH_OK] = "ok",
	[HEALTH_LOOP_SLOW] = "loop-slow",
	[HEALTH_STORE] = "store",
};

const char *health_fault_str(enum health_fault f)
{
	return f >= 0 && f < HEALTH__COUNT ? fault_names[f] : "?";
}

void health_init(struct health *h, int64_t watchdog_ms, int64_t probe_every_ms, int64_t now)
{
	*h = (struct health){ 0 };
	h->ping_every_ms = watchdog_ms > 0 ? watchdog_ms / 2 : 0;
	if (h->ping_every_ms == 0 && watchdog_ms > 0)
		h->ping_every_ms = 1;
	h->turn_max_ms = watchdog_ms > 0 ? watchdog_ms / 3 : HEALTH_TURN_MAX_MS;
	if (h->turn_max_ms > HEALTH_TURN_MAX_MS || h->turn_max_ms <= 0)
		h->turn_max_ms = HEALTH_TURN_MAX_MS;
	h->probe_every_ms = probe_every_ms;
	/* The first ping goes out at once: READY=1 starts systemd's timer. */
	h->next_ping_ms = now;
	h->next_probe_ms = probe_every_ms > 0 ? now + probe_every_ms : INT64_MAX;
	/* Start-up is no loop turn (systemd's start timeout covers it): the first turn is measured from its wait. */
	h->turn_start_ms = -1;
	h->last_probe = KERR_OK;
}

void health_turn_start(struct health *h, int64_t now)
{
	h->turn_start_ms = now;
}

void health_turn_end(struct health *h, int64_t now)
{
	int64_t busy = now - h->turn_start_ms;

	if (h->turn_start_ms < 0)
		return;
	if (busy > h->worst_turn_ms)
		h->worst_turn_ms = busy;
	if (busy > h->turn_max_ms && h->fault == HEALTH_OK)
		h->fault = HEALTH_LOOP_SLOW;
}

bool health_probe_due(const struct health *h, int64_t now)
{
	return h->probe_every_ms > 0 && h->fault == HEALTH_OK && now >= h->next_probe_ms;
}

void health_probe_result(struct health *h, enum kerr e, int64_t now)
{
	h->next_probe_ms = now + h->probe_every_ms;
	h->last_probe = e;
	h->probe_failures = e == KERR_OK ? 0 : h->probe_failures + 1;
	if (h->probe_failures >= HEALTH_PROBE_FAILURES && h->fault == HEALTH_OK)
		h->fault = HEALTH_STORE;
}

enum health_action health_tick(struct health *h, int64_t now)
{
	if (h->ping_every_ms == 0)
		return HEALTH_NONE;
	if (h->fault != HEALTH_OK) {
		if (h->triggered)
			return HEALTH_NONE;
		h->triggered = true;
		return HEALTH_TRIGGER;
	}
	if (now < h->next_ping_ms)
		return HEALTH_NONE;
	h->next_ping_ms = now + h->ping_every_ms;
	return HEALTH_PING;
}

int64_t health_next_deadline(const struct health *h)
{
	int64_t t = INT64_MAX;

	if (h->ping_every_ms > 0 && !h->triggered)
		t = h->fault != HEALTH_OK ? 0 : h->next_ping_ms;
	if (h->probe_every_ms > 0 && h->fault == HEALTH_OK && h->next_probe_ms < t)
		t = h->next_probe_ms;
	return t;
}
