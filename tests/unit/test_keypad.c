/* The simulated keypad: keys while enabled, dropped while disabled or unplugged, unknown codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/keypad.h"

#include <stdio.h>
#include <stdlib.h>

#define MAX_EVENTS 16

struct rig {
	struct clock clock;
	struct dev *d;
	struct dev_event ev[MAX_EVENTS];
	int n;
};

static void post(void *ctx, const struct dev_event *ev)
{
	struct rig *r = ctx;

	assert_true(r->n < MAX_EVENTS);
	r->ev[r->n++] = *ev;
}

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct dev_config cfg = { .backend = "sim" };
	struct dev_sink sink = { post, r };

	clock_init_virtual(&r->clock, 0);
	assert_int_equal(keypad_open(&cfg, &sink, &r->clock, &r->d), KERR_OK);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	dev_destroy(r->d);
	free(r);
	return 0;
}

static void keys_when_enabled(void **state)
{
	struct rig *r = *state;

	assert_int_equal(dev_control(r->d, "press 0"), KERR_OK);
	assert_int_equal(r->n, 0);
	assert_int_equal(keypad_enable(r->d, true), KERR_OK);
	for (int k = 0; k < 5; k++) {
		char cmd[24];

		snprintf(cmd, sizeof(cmd), "press %d", k);
		assert_int_equal(dev_control(r->d, cmd), KERR_OK);
		assert_int_equal(r->n, k + 1);
		assert_int_equal(r->ev[k].type, DEV_EV_KEY);
		assert_int_equal(r->ev[k].cls, DEV_KEYPAD);
		assert_int_equal(r->ev[k].value, k);
	}
	assert_int_equal(keypad_enable(r->d, false), KERR_OK);
	assert_int_equal(dev_control(r->d, "press 2"), KERR_OK);
	assert_int_equal(r->n, 5);
	assert_true(dev_next_deadline(r->d) == INT64_MAX);
}

static void bad_keys(void **state)
{
	struct rig *r = *state;
	struct dev_config cfg = { .backend = "hid" };
	struct dev_sink sink = { post, r };
	struct dev *d = NULL;

	keypad_enable(r->d, true);
	assert_int_equal(dev_control(r->d, "press 5"), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "press -1"), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "press x"), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "press "), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "press-raw 0x3a"), KERR_OK);
	assert_int_equal(dev_control(r->d, "press-raw "), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "hello"), KERR_INVAL);
	assert_int_equal(r->n, 0);
	assert_int_equal(keypad_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
}

static void unplug_and_plug(void **state)
{
	struct rig *r = *state;

	keypad_enable(r->d, true);
	assert_int_equal(dev_control(r->d, "unplug"), KERR_OK);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0].type, DEV_EV_STATUS);
	assert_int_equal(r->ev[0].status.state, DEV_STATE_ABSENT);
	assert_int_equal(r->ev[0].status.fault, KERR_NO_DEVICE);
	assert_int_equal(dev_control(r->d, "press 1"), KERR_OK);
	assert_int_equal(r->n, 1);
	assert_int_equal(dev_control(r->d, "plug"), KERR_OK);
	assert_int_equal(r->ev[1].status.state, DEV_STATE_READY);
	assert_int_equal(dev_control(r->d, "press 1"), KERR_OK);
	assert_int_equal(r->ev[2].type, DEV_EV_KEY);
	assert_int_equal(r->ev[2].value, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = { T(keys_when_enabled), T(bad_keys), T(unplug_and_plug) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
