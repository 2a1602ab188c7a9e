/* The health check behind the watchdog pings (kiosk/health.h) and the store's probe write. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "kiosk/health.h"
#include "offline-queue/queue.h"

#include <stdio.h>
#include <stdlib.h>

static void test_no_watchdog_never_pings(void **state)
{
	struct health h;

	(void)state;
	health_init(&h, 0, 0, 1000);
	assert_int_equal(health_tick(&h, 1000), HEALTH_NONE);
	assert_int_equal(health_tick(&h, 999999), HEALTH_NONE);
	assert_true(health_next_deadline(&h) == INT64_MAX);
	/* A slow turn without a watchdog is still a fault, but nobody is told. */
	health_turn_start(&h, 0);
	health_turn_end(&h, HEALTH_TURN_MAX_MS + 1);
	assert_int_equal(h.fault, HEALTH_LOOP_SLOW);
	assert_int_equal(health_tick(&h, 1), HEALTH_NONE);
}

static void test_pings_at_half_the_period(void **state)
{
	struct health h;

	(void)state;
	health_init(&h, 30000, 0, 1000);
	assert_int_equal(h.turn_max_ms, 10000);
	assert_int_equal(health_tick(&h, 1000), HEALTH_PING);
	assert_int_equal(health_tick(&h, 2000), HEALTH_NONE);
	assert_true(health_next_deadline(&h) == 16000);
	assert_int_equal(health_tick(&h, 16000), HEALTH_PING);
	/* Start-up is not a turn: only turns that began at a wait count. */
	health_turn_end(&h, 100000);
	assert_int_equal(h.fault, HEALTH_OK);
}

static void test_slow_turn_triggers_once(void **state)
{
	struct health h;

	(void)state;
	health_init(&h, 1200, 0, 0);
	assert_int_equal(h.turn_max_ms, 400);
	health_turn_start(&h, 100);
	health_turn_end(&h, 500); /* exactly the limit: fine */
	assert_int_equal(health_tick(&h, 500), HEALTH_PING);
	health_turn_start(&h, 600);
	health_turn_end(&h, 1001);
	assert_int_equal(h.fault, HEALTH_LOOP_SLOW);
	assert_string_equal(health_fault_str(h.fault), "loop-slow");
	assert_true(health_next_deadline(&h) <= 1001);
	assert_int_equal(health_tick(&h, 1001), HEALTH_TRIGGER);
	assert_int_equal(health_tick(&h, 5000), HEALTH_NONE);
	assert_true(health_next_deadline(&h) == INT64_MAX);
}

static void test_store_fails_after_three_probes(void **state)
{
	struct health h;

	(void)state;
	health_init(&h, 30000, 60000, 0);
	assert_false(health_probe_due(&h, 59999));
	assert_true(health_probe_due(&h, 60000));
	health_probe_result(&h, KERR_BUSY, 60000);
	health_probe_result(&h, KERR_BUSY, 120000);
	health_probe_result(&h, KERR_OK, 180000); /* a success resets the count */
	health_probe_result(&h, KERR_IO, 240000);
	health_probe_result(&h, KERR_IO, 300000);
	assert_int_equal(h.fault, HEALTH_OK);
	assert_false(health_probe_due(&h, 300001));
	health_probe_result(&h, KERR_PERM, 360000);
	assert_int_equal(h.fault, HEALTH_STORE);
	assert_int_equal(health_tick(&h, 360000), HEALTH_TRIGGER);
	assert_false(health_probe_due(&h, 999999));
}

static void test_queue_probe_writes(void **state)
{
	char dir[] = "/tmp/kiosk-probe-XXXXXX", cmd[64];
	struct queue *q = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(queue_open(dir, "ZW1", 0, &q), KERR_OK);
	assert_int_equal(queue_probe(q), KERR_OK);
	assert_int_equal(queue_probe(q), KERR_OK);
	queue_close(q);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_watchdog_never_pings),
		cmocka_unit_test(test_pings_at_half_the_period),
		cmocka_unit_test(test_slow_turn_triggers_once),
		cmocka_unit_test(test_store_fails_after_three_probes),
		cmocka_unit_test(test_queue_probe_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
