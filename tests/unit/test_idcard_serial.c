/* The serial backend end to end: the kiosk's reader loop on one side of a pty, the simulated module
 * speaking the real bytes on the other. The test pumps the bytes itself between polls, on a virtual
 * clock, so every run is the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/idcard.h"
#include "drivers/idcard_frame.h"
#include "drivers/idcard_reader.h"
#include "drivers/idcard_simreader.h"
#include "drivers/serial.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define WALL_2025_06_01 1748743200000LL /* 10:00 in Beijing */
#define MAX_EVENTS	64

struct rig {
	struct clock clock;
	char dir[64], link[96];
	int master, slave; /* the module's side; slave held open so the master never reads EIO */
	struct idcard_simreader *mod;
	bool noisy; /* line noise before every reply */
	bool mute;  /* the module hears but does not answer */
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

static void drop_events(struct rig *r)
{
	for (int i = 0; i < r->n; i++)
		dev_event_finish(&r->ev[i]);
	r->n = 0;
}

static int count(const struct rig *r, enum dev_event_type t)
{
	int n = 0;

	for (int i = 0; i < r->n; i++)
		n += r->ev[i].type == t;
	return n;
}

static const struct dev_event *last(const struct rig *r, enum dev_event_type t)
{
	for (int i = r->n - 1; i >= 0; i--)
		if (r->ev[i].type == t)
			return &r->ev[i];
	return NULL;
}

static void plug(struct rig *r)
{
	struct termios tio;
	char name[64];

	assert_int_equal(openpty(&r->master, &r->slave, name, NULL, NULL), 0);
	assert_int_equal(tcgetattr(r->slave, &tio), 0);
	cfmakeraw(&tio);
	assert_int_equal(tcsetattr(r->slave, TCSANOW, &tio), 0);
	fcntl(r->master, F_SETFL, fcntl(r->master, F_GETFL) | O_NONBLOCK);
	unlink(r->link);
	assert_int_equal(symlink(name, r->link), 0);
}

static void unplug(struct rig *r)
{
	unlink(r->link);
	close(r->master);
	close(r->slave);
	r->master = r->slave = -1;
	idcard_simreader_drop_link(r->mod);
}

/* Moves what the kiosk wrote to the module, and what the module has due back. */
static void pump(struct rig *r)
{
	static const uint8_t noise[] = { 0x00, 0xaa, 0xaa, 0x96, 0x13, 0xff };
	uint8_t buf[512];
	ssize_t n;
	size_t m;

	if (r->master < 0)
		return;
	while ((n = read(r->master, buf, sizeof(buf))) > 0)
		idcard_simreader_write(r->mod, buf, (size_t)n);
	if (r->mute)
		idcard_simreader_drop_link(r->mod);
	if (r->noisy && idcard_simreader_ready_at(r->mod) <= clock_now_ms(&r->clock))
		assert_int_equal(write(r->master, noise, sizeof(noise)), (ssize_t)sizeof(noise));
	while ((m = idcard_simreader_read(r->mod, buf, sizeof(buf))) > 0)
		assert_int_equal(write(r->master, buf, m), (ssize_t)m);
}

static void run(struct rig *r, int64_t ms)
{
	int64_t end = clock_now_ms(&r->clock) + ms;

	for (int guard = 0; guard < 100000; guard++) {
		int64_t now = clock_now_ms(&r->clock);
		int64_t dl = dev_next_deadline(r->d);

		pump(r);
		if (dl > end) {
			clock_advance(&r->clock, end - now);
			dev_poll(r->d, end);
			pump(r);
			return;
		}
		if (dl > now)
			clock_advance(&r->clock, dl - now);
		dev_poll(r->d, clock_now_ms(&r->clock));
	}
	fail_msg("the device never went quiet");
}

static void ctl(struct rig *r, const char *cmd)
{
	assert_int_equal(idcard_simreader_control(r->mod, cmd), KERR_OK);
}

static struct dev_status status(const struct rig *r)
{
	struct dev_status st;

	dev_get_status(r->d, &st);
	return st;
}

static struct rig *rig_new(void)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	clock_init_virtual(&r->clock, WALL_2025_06_01);
	snprintf(r->dir, sizeof(r->dir), "/tmp/kiosk-serial-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	snprintf(r->link, sizeof(r->link), "%s/reader", r->dir);
	r->master = r->slave = -1;
	assert_int_equal(idcard_simreader_create(&r->clock, 20, &r->mod), KERR_OK);
	return r;
}

static void rig_open_dev(struct rig *r, int baud)
{
	struct dev_config cfg = { .backend = "serial", .baud = baud };
	struct dev_sink sink = { post, r };

	snprintf(cfg.path, sizeof(cfg.path), "%s", r->link);
	assert_int_equal(idcard_open(&cfg, &sink, &r->clock, &r->d), KERR_OK);
}

static int setup(void **state)
{
	struct rig *r = rig_new();

	plug(r);
	rig_open_dev(r, 115200);
	run(r, 200);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	drop_events(r);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	drop_events(r);
	dev_destroy(r->d);
	if (r->master >= 0)
		unplug(r);
	idcard_simreader_destroy(r->mod);
	rmdir(r->dir);
	free(r);
	return 0;
}

static const struct idcard_data *read_one(struct rig *r, const char *card)
{
	char cmd[64];
	const struct dev_event *e;

	snprintf(cmd, sizeof(cmd), "insert %s", card);
	ctl(r, cmd);
	run(r, 1500);
	e = last(r, DEV_EV_CARD);
	assert_non_null(e);
	assert_non_null(e->payload);
	return e->payload;
}

static void reads_every_card_type(void **state)
{
	struct rig *r = *state;
	const struct idcard_data *c;

	idcard_enable(r->d, true);
	c = read_one(r, "resident");
	assert_int_equal(c->type, IDCARD_RESIDENT);
	assert_string_equal(c->name, "王小英");
	assert_string_equal(c->id_number, "11010519491231002X");
	assert_string_equal(c->address, "北京市东城区景山前街4号");
	assert_true(c->has_photo);
	ctl(r, "remove");
	run(r, 500);
	assert_int_equal(count(r, DEV_EV_CARD_REMOVED), 1);

	c = read_one(r, "hmt");
	assert_int_equal(c->type, IDCARD_HMT_PERMIT);
	assert_string_equal(c->pass_number, "H60123456");
	ctl(r, "remove");
	run(r, 500);
	c = read_one(r, "foreign");
	assert_int_equal(c->type, IDCARD_FOREIGN_2023);
	assert_string_equal(c->nationality, "GBR");
	ctl(r, "remove");
	run(r, 500);
	c = read_one(r, "foreign-2017");
	assert_int_equal(c->type, IDCARD_FOREIGN_2017);
	assert_string_equal(c->id_number, "DEU110088021201");
	assert_int_equal(count(r, DEV_EV_CARD), 4);
	assert_int_equal(count(r, DEV_EV_CARD_ERROR), 0);
}

static void card_must_be_lifted(void **state)
{
	struct rig *r = *state;

	idcard_enable(r->d, true);
	read_one(r, "elder");
	run(r, 5000);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
	ctl(r, "remove");
	run(r, 500);
	read_one(r, "elder");
	assert_int_equal(count(r, DEV_EV_CARD), 2);
}

static void expired_and_failed_reads(void **state)
{
	struct rig *r = *state;

	idcard_enable(r->d, true);
	ctl(r, "insert expired");
	run(r, 1500);
	assert_int_equal(count(r, DEV_EV_CARD), 0);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_EXPIRED);
	ctl(r, "remove");
	run(r, 500);
	drop_events(r);
	ctl(r, "insert unreadable");
	run(r, 1500);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_CARD_READ);
	ctl(r, "remove");
	run(r, 500);
	drop_events(r);
	ctl(r, "fault remove-mid-read on");
	ctl(r, "insert resident");
	run(r, 1500);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_CARD_REMOVED);
	assert_int_equal(status(r).state, DEV_STATE_READY);
}

static void noise_on_the_line(void **state)
{
	struct rig *r = *state;

	r->noisy = true;
	idcard_enable(r->d, true);
	read_one(r, "resident");
	assert_int_equal(count(r, DEV_EV_CARD_ERROR), 0);
	assert_int_equal(status(r).state, DEV_STATE_READY);
}

static void unplugged_and_plugged_back(void **state)
{
	struct rig *r = *state;

	idcard_enable(r->d, true);
	ctl(r, "insert resident");
	run(r, 1500);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
	unplug(r);
	run(r, 1000);
	assert_int_equal(status(r).state, DEV_STATE_ABSENT);
	assert_int_equal(status(r).fault, KERR_NO_DEVICE);
	/* The application was told the card it had is gone with the reader. */
	assert_int_equal(count(r, DEV_EV_CARD_REMOVED), 1);
	run(r, 5000);
	assert_int_equal(status(r).state, DEV_STATE_ABSENT);
	plug(r);
	run(r, 2000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	/* The card never left the new module's field: it is a new card for the kiosk. */
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 2);
}

static void module_stops_answering(void **state)
{
	struct rig *r = *state;

	idcard_enable(r->d, true);
	r->mute = true;
	run(r, IDCARD_MAX_FAILS * (IDCARD_REPLY_TIMEOUT_MS + IDCARD_POLL_MS) + 100);
	assert_int_equal(status(r).state, DEV_STATE_FAULT);
	assert_int_equal(status(r).fault, KERR_TIMEOUT);
	r->mute = false;
	run(r, 2000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	read_one(r, "resident");
}

static void port_appears_later(void **state)
{
	struct rig *r = rig_new();

	(void)state;
	rig_open_dev(r, 9600);
	run(r, 500);
	assert_int_equal(status(r).state, DEV_STATE_ABSENT);
	plug(r);
	run(r, 1500);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	idcard_enable(r->d, true);
	read_one(r, "resident");
	*state = r;
}

static void bad_settings(void **state)
{
	struct rig *r = *state;
	struct dev_config cfg = { .backend = "serial", .baud = 12345, .path = "/dev/null" };
	struct dev_sink sink = { post, r };
	struct serial_port p;
	struct dev *d = NULL;

	assert_int_equal(idcard_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
	assert_null(d);
	assert_int_equal(serial_port_init(&p, "", 9600), KERR_INVAL);
	/* Not a serial port at all. */
	assert_int_equal(serial_port_init(&p, "/dev/null", 9600), KERR_OK);
	assert_int_equal(serial_port_open(&p), KERR_IO);
	assert_non_null(strstr(p.error, "/dev/null"));
	assert_int_equal(serial_port_init(&p, "/nonexistent/tty", 115200), KERR_OK);
	assert_int_equal(serial_port_open(&p), KERR_NO_DEVICE);
	assert_int_equal(serial_port_write(&p, (const uint8_t *)"x", 1), KERR_NO_DEVICE);
}

static void real_bytes_on_the_wire(void **state)
{
	struct rig *r = *state;
	static const uint8_t find[] = {
		0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22
	};
	uint8_t buf[64];
	ssize_t n;

	/* Intercept the wire: the first command of an enabled reader is find-card, byte for byte.
	 */
	idcard_enable(r->d, true);
	dev_poll(r->d, clock_now_ms(&r->clock));
	n = read(r->master, buf, sizeof(buf));
	assert_int_equal(n, (ssize_t)sizeof(find));
	assert_memory_equal(buf, find, sizeof(find));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(reads_every_card_type),
		T(card_must_be_lifted),
		T(expired_and_failed_reads),
		T(noise_on_the_line),
		T(unplugged_and_plugged_back),
		T(module_stops_answering),
		cmocka_unit_test_teardown(port_appears_later, teardown),
		T(bad_settings),
		T(real_bytes_on_the_wire),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
