/* Real and virtual clocks. */
#include "common/clock.h"

#include <time.h>

void clock_init_real(struct clock *c)
{
	c->is_virtual = false;
	c->virt_mono_ms = 0;
	c->virt_wall_ms = 0;
}

void clock_init_virtual(struct clock *c, int64_t wall_ms)
{
	c->is_virtual = true;
	c->virt_mono_ms = 0;
	c->virt_wall_ms = wall_ms;
}

static int64_t read_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A virtual clock is advanced by the kiosk's thread and read by the uplink's, so its time is read
 * and written atomically. */
int64_t clock_now_ms(const struct clock *c)
{
	if (c->is_virtual)
		return __atomic_load_n(&c->virt_mono_ms, __ATOMIC_ACQUIRE);
	return read_clock(CLOCK_MONOTONIC);
}

int64_t clock_wall_ms(const struct clock *c)
{
	if (c->is_virtual)
		return __atomic_load_n(&c->virt_wall_ms, __ATOMIC_ACQUIRE) +
		       __atomic_load_n(&c->virt_mono_ms, __ATOMIC_ACQUIRE);
	return read_clock(CLOCK_REALTIME);
}

void clock_set_wall(struct clock *c, int64_t wall_ms)
{
	if (c->is_virtual)
		__atomic_store_n(&c->virt_wall_ms, wall_ms - __atomic_load_n(&c->virt_mono_ms, __ATOMIC_ACQUIRE),
				 __ATOMIC_RELEASE);
}

void clock_advance(struct clock *c, int64_t ms)
{
	if (c->is_virtual && ms > 0)
		__atomic_add_fetch(&c->virt_mono_ms, ms, __ATOMIC_ACQ_REL);
}

/* Fixed UTC+8 rather than the process's TZ, so a terminal with a missing zone file and every test agree. */
void clock_local(int64_t wall_ms, int *year, int *month, int *day, int *hour, int *min, int *sec, int *wday)
{
	time_t t = (time_t)(wall_ms / 1000) + 8 * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	*year = tm.tm_year + 1900;
	*month = tm.tm_mon + 1;
	*day = tm.tm_mday;
	*hour = tm.tm_hour;
	*min = tm.tm_min;
	*sec = tm.tm_sec;
	*wday = tm.tm_wday;
}
