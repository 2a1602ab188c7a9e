/* The one loop the device tests share: a deadline is met exactly, never skipped by a jump. */
#include "tests/support/dev_run.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static void advance(struct clock *clk, pthread_mutex_t *lock, int64_t ms)
{
	if (lock)
		pthread_mutex_lock(lock);
	clock_advance(clk, ms);
	if (lock)
		pthread_mutex_unlock(lock);
}

void dev_run(struct dev *d, struct clock *clk, pthread_mutex_t *lock, int64_t ms)
{
	int64_t end = clock_now_ms(clk) + ms;

	for (int guard = 0; guard < 100000; guard++) {
		int64_t now = clock_now_ms(clk);
		int64_t dl = dev_next_deadline(d);

		if (dl > end) {
			advance(clk, lock, end - now);
			dev_poll(d, end);
			return;
		}
		if (dl > now)
			advance(clk, lock, dl - now);
		dev_poll(d, clock_now_ms(clk));
	}
	fail_msg("the device never went quiet");
}
