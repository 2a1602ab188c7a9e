/* Time for the whole kiosk: a real clock, or a virtual one that tests and scripts advance (no test sleeps). */
#ifndef COMMON_CLOCK_H
#define COMMON_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct clock {
	bool is_virtual;
	int64_t virt_mono_ms; /* virtual monotonic time */
	int64_t virt_wall_ms; /* wall time at virt_mono_ms == 0, ms since the epoch */
};

/* A real clock. */
void clock_init_real(struct clock *c);
/* A virtual clock whose wall time starts at wall_ms (ms since the epoch, UTC). */
void clock_init_virtual(struct clock *c, int64_t wall_ms);
/* Monotonic milliseconds: for every deadline and timer. */
int64_t clock_now_ms(const struct clock *c);
/* Wall-clock milliseconds since the epoch: for timestamps a person reads. */
int64_t clock_wall_ms(const struct clock *c);
/* Sets a virtual clock's wall time to wall_ms without moving its monotonic time: what an RTC reset
 * or a time server's step does to a terminal. No effect on a real one (tests use libfaketime). */
void clock_set_wall(struct clock *c, int64_t wall_ms);
/* Advance a virtual clock; no effect on a real one. */
void clock_advance(struct clock *c, int64_t ms);
/* Broken-down local time of a wall-clock value (Asia/Shanghai is the deployment zone: UTC+8, no DST). */
void clock_local(int64_t wall_ms, int *year, int *month, int *day, int *hour, int *min, int *sec, int *wday);

#endif
