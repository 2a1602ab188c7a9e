/* Default evaluations: days are counted on the calendar a resident reads (Beijing time, as
 * clock_local), not as multiples of 24 hours since the moment of acceptance, so a case accepted at
 * 17:59 on the 23rd and one accepted at 08:01 count the same. */
#include "kiosk/evaldefault.h"

#include "common/log.h"
#include "kiosk/kiosk.h"
#include "kiosk/sync.h"

#define DAY_MS (24LL * 3600 * 1000)
#define ZONE_MS (8LL * 3600 * 1000) /* UTC+8, no daylight saving (common/clock.h) */

int64_t evaldefault_cutoff_ms(int64_t wall_ms, int days)
{
	/* Floor division: the day number of a time before 1970 must not round towards zero. */
	int64_t local = wall_ms + ZONE_MS;
	int64_t today = local >= 0 ? local / DAY_MS : -((-local + DAY_MS - 1) / DAY_MS);

	/* Accepted on D, counted from D + days: accepted before the start of today - days + 1. */
	return (today - days + 1) * DAY_MS - ZONE_MS;
}

void evaldefault_run(struct kiosk *k)
{
	const struct evalmap *m = &k->evalmap;
	int64_t now = clock_wall_ms(&k->clock);
	enum kerr e;
	int n = 0;

	if (!k->queue || m->default_after_days <= 0)
		return;
	e = queue_eval_defaults(k->queue, evaldefault_cutoff_ms(now, m->default_after_days), m->default_level,
				now, &n);
	if (e != KERR_OK) {
		log_err("store: default evaluations not written: %s: %s; tried again later", kerr_str(e),
			queue_errmsg(k->queue));
		return;
	}
	if (n > 0) {
		log_info("store: %d case(s) not rated within %d days count as level %d (default evaluations)", n,
			 m->default_after_days, m->default_level);
		sync_kick(k);
	}
}
