/* A store in a temporary folder on a virtual clock, for the queue's unit tests: set up, (re)opened as the kiosk
 * opens it, and removed with everything in it. */
#ifndef TESTS_SUPPORT_QUEUE_FIX_H
#define TESTS_SUPPORT_QUEUE_FIX_H

#include "common/clock.h"
#include "offline-queue/queue.h"

#include <stdint.h>

struct queue_fix {
	char root[64];
	struct clock clk;
	struct queue *q; /* NULL until queue_fix_open() */
};

/* For a cmocka set-up: a new folder, the clock at wall_ms. */
int queue_fix_setup_at(void **state, int64_t wall_ms);
/* For a cmocka tear-down: closes the store and removes the folder. */
int queue_fix_teardown(void **state);
/* Closes the store if open and opens it again with the case-number prefix, on the fixture's clock. */
void queue_fix_open(struct queue_fix *f, const char *prefix);

#endif
