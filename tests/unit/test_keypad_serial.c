/* The serial keypad backend end to end over a pty: the test is the keypad on the master side and
 * writes its lines or bytes between polls, on a virtual clock, so every run is the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/support/dev_run.h"
#include "drivers/keypad.h"

#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define MAX_EVENTS 32

struct rig {
	struct clock clock;
	char dir[64], link[96];
	int master, slave; /* the keypad's side; slave held open so the master never reads EIO */
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

/* The levels of the keys posted so far, as digits. */
static const char *keys(const struct rig *r)
{
	static char out[MAX_EVENTS + 1];
	int o = 0;

	for (int i = 0; i < r->n; i++)
		if (r->ev[i].type == DEV_EV_KEY)
			out[o++] = (char)('0' + r->ev[i].value);
	out[o] = 0;
	return out;
}

static void plug(struct rig *r)
{
	struct termios tio;
	char name[64];

	assert_int_equal(openpty(&r->master, &r->slave, name, NULL, NULL), 0);
	assert_int_equal(tcgetattr(r->slave, &tio), 0);
	cfmakeraw(&tio);
	assert_int_equal(tcsetattr(r->slave, TCSANOW, &tio), 0);
	unlink(r->link);
	assert_int_equal(symlink(name, r->link), 0);
}

static void unplug(struct rig *r)
{
	unlink(r->link);
	close(r->master);
	close(r->slave);
	r->master = r->slave = -1;
}

static void send(struct rig *r, const char *s, size_t n)
{
	assert_int_equal(write(r->master, s, n), (ssize_t)n);
	tcdrain(r->master);
}

#define SEND(r, lit) send(r, lit, sizeof(lit) - 1)

static void run(struct rig *r, int64_t ms)
{
	dev_run(r->d, &r->clock, NULL, ms);
}

static enum dev_state state_of(const struct rig *r)
{
	struct dev_status st;

	dev_get_status(r->d, &st);
	return st.state;
}

static struct rig *rig_new(const char *map)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct dev_config cfg = { .backend = "serial", .baud = 9600 };
	struct dev_sink sink = { post, r };

	assert_non_null(r);
	clock_init_virtual(&r->clock, 0);
	snprintf(r->dir, sizeof(r->dir), "/tmp/kiosk-keypad-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	snprintf(r->link, sizeof(r->link), "%s/keypad", r->dir);
	plug(r);
	snprintf(cfg.path, sizeof(cfg.path), "%s", r->link);
	snprintf(cfg.map, sizeof(cfg.map), "%s", map);
	assert_int_equal(keypad_open(&cfg, &sink, &r->clock, &r->d), KERR_OK);
	run(r, 100);
	assert_int_equal(state_of(r), DEV_STATE_READY);
	r->n = 0;
	return r;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	dev_destroy(r->d);
	if (r->master >= 0)
		unplug(r);
	rmdir(r->dir);
	free(r);
	return 0;
}

static void lines_while_asked(void **state)
{
	struct rig *r = *state = rig_new("");

	SEND(r, "KEY 1\r\n");
	run(r, 300);
	assert_string_equal(keys(r), "");
	keypad_enable(r->d, true);
	SEND(r, "KEY 1\r\n");
	run(r, 100);
	SEND(r, "KEY ");
	run(r, 100);
	SEND(r, "5\r\n");
	run(r, 100);
	assert_string_equal(keys(r), "04");
	keypad_enable(r->d, false);
	SEND(r, "KEY 3\r\n");
	run(r, 300);
	assert_string_equal(keys(r), "04");
}

static void malformed_unknown_and_bounce(void **state)
{
	struct rig *r = *state = rig_new("line:KEY:1,2,3,4,5");

	keypad_enable(r->d, true);
	SEND(r, "KEY 9\r\nKEY \x01\x02\r\nNOISE\xff\xfe\r\n");
	run(r, 100);
	assert_string_equal(keys(r), "");
	/* The same key twice at once is the contact bouncing; pressed again later it counts. */
	SEND(r, "KEY 2\r\nKEY 2\r\n");
	run(r, 100);
	SEND(r, "KEY 2\r\n");
	run(r, 100);
	assert_string_equal(keys(r), "11");
	assert_int_equal(state_of(r), DEV_STATE_READY);
}

static void byte_codes(void **state)
{
	struct rig *r = *state = rig_new("byte:a1,a2,a3,a4,a5");

	keypad_enable(r->d, true);
	SEND(r, "\xa5");
	run(r, 100);
	SEND(r, "\x00\xa3");
	run(r, 100);
	assert_string_equal(keys(r), "42");
}

static void unplugged_and_plugged_back(void **state)
{
	struct rig *r = *state = rig_new("");

	keypad_enable(r->d, true);
	unplug(r);
	run(r, 100);
	assert_int_equal(state_of(r), DEV_STATE_ABSENT);
	run(r, 5000);
	assert_int_equal(state_of(r), DEV_STATE_ABSENT);
	plug(r);
	run(r, 3000);
	assert_int_equal(state_of(r), DEV_STATE_READY);
	SEND(r, "KEY 4\r\n");
	run(r, 100);
	assert_string_equal(keys(r), "3");
}

static void bad_configuration(void **state)
{
	struct dev_config cfg = { .backend = "serial", .baud = 9600 };
	struct dev_sink sink = { post, NULL };
	struct clock clk;
	struct dev *d;

	(void)state;
	clock_init_virtual(&clk, 0);
	snprintf(cfg.map, sizeof(cfg.map), "line:KEY");
	assert_int_equal(keypad_open(&cfg, &sink, &clk, &d), KERR_INVAL);
	cfg.map[0] = 0;
	cfg.baud = 1234;
	assert_int_equal(keypad_open(&cfg, &sink, &clk, &d), KERR_INVAL);
	/* A missing port is not an error: it is looked for. */
	cfg.baud = 9600;
	snprintf(cfg.path, sizeof(cfg.path), "/nonexistent/keypad");
	assert_int_equal(keypad_open(&cfg, &sink, &clk, &d), KERR_OK);
	dev_destroy(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(lines_while_asked, teardown),
		cmocka_unit_test_teardown(malformed_unknown_and_bounce, teardown),
		cmocka_unit_test_teardown(byte_codes, teardown),
		cmocka_unit_test_teardown(unplugged_and_plugged_back, teardown),
		cmocka_unit_test(bad_configuration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
