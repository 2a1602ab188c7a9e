/* A device driven on the virtual clock in a unit test, as the kiosk's loop drives it. */
#ifndef TESTS_SUPPORT_DEV_RUN_H
#define TESTS_SUPPORT_DEV_RUN_H

#include "common/clock.h"
#include "drivers/device.h"

#include <pthread.h>
#include <stdint.h>

/* Runs d for ms of virtual time on clk, polling at every deadline it names on the way. lock (NULL: none) is
 * held while the clock moves, for a device emulated on another thread that reads it. Fails the test when
 * the device never goes quiet. */
void dev_run(struct dev *d, struct clock *clk, pthread_mutex_t *lock, int64_t ms);

#endif
