/* The simulated scanner: flatbed and feeder jobs, empty feeder, jam, cover, I/O, unplug, slow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/scanner.h"

#include <stdlib.h>
#include <string.h>

#define MAX_EVENTS 64

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

static void drop_events(struct rig *r)
{
	for (int i = 0; i < r->n; i++)
		dev_event_finish(&r->ev[i]);
	r->n = 0;
}

static void run(struct rig *r, int64_t ms)
{
	clock_advance(&r->clock, ms);
	dev_poll(r->d, clock_now_ms(&r->clock));
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

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct dev_config cfg = { .backend = "sim", .latency_ms = 400 };
	struct dev_sink sink = { post, r };

	clock_init_virtual(&r->clock, 1748743200000LL);
	assert_int_equal(scanner_open(&cfg, &sink, &r->clock, &r->d), KERR_OK);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	drop_events(r);
	dev_destroy(r->d);
	free(r);
	return 0;
}

static void ctl(struct rig *r, const char *cmd)
{
	assert_int_equal(dev_control(r->d, cmd), KERR_OK);
}

static const struct scan_params flatbed_grey = { SCAN_SOURCE_FLATBED, 150, false };
static const struct scan_params feeder_color = { SCAN_SOURCE_FEEDER, 150, true };

static void flatbed_one_page(void **state)
{
	struct rig *r = *state;
	const struct scan_page *p;
	size_t dark = 0, n;

	assert_int_equal(scanner_start(r->d, &flatbed_grey), KERR_OK);
	assert_int_equal(r->d->status.state, DEV_STATE_BUSY);
	assert_int_equal(scanner_start(r->d, &flatbed_grey), KERR_BUSY);
	run(r, 399);
	assert_int_equal(count(r, DEV_EV_PAGE), 0);
	assert_int_equal(dev_next_deadline(r->d), 400);
	run(r, 1);
	assert_int_equal(count(r, DEV_EV_PAGE), 1);
	assert_int_equal(count(r, DEV_EV_SCAN_DONE), 1);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_OK);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->status.state, DEV_STATE_READY);
	p = last(r, DEV_EV_PAGE)->payload;
	assert_ptr_equal(last(r, DEV_EV_PAGE)->payload_free, scan_page_free);
	assert_int_equal(p->width, 1240);
	assert_int_equal(p->height, 1754);
	assert_int_equal(p->channels, 1);
	assert_int_equal(p->dpi, 150);
	assert_int_equal(p->index, 0);
	/* It looks like a document: mostly paper, some ink. */
	n = (size_t)p->width * (size_t)p->height;
	for (size_t i = 0; i < n; i++)
		dark += p->pixels[i] < 128;
	assert_true(dark > n / 100);
	assert_true(dark < n / 3);
	assert_true(p->pixels[0] > 200);
	assert_true(dev_next_deadline(r->d) == INT64_MAX);
}

static void feeder_pages_differ(void **state)
{
	struct rig *r = *state;
	const struct scan_page *a, *b;

	ctl(r, "feed 3");
	assert_int_equal(scanner_start(r->d, &feeder_color), KERR_OK);
	run(r, 400);
	run(r, 400);
	assert_int_equal(count(r, DEV_EV_PAGE), 2);
	assert_int_equal(count(r, DEV_EV_SCAN_DONE), 0);
	run(r, 400);
	assert_int_equal(count(r, DEV_EV_PAGE), 3);
	assert_int_equal(count(r, DEV_EV_SCAN_DONE), 1);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_OK);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->value, 3);
	a = r->ev[1].payload;
	b = r->ev[2].payload;
	assert_int_equal(a->channels, 3);
	assert_int_equal(a->index, 0);
	assert_int_equal(b->index, 1);
	assert_memory_not_equal(a->pixels, b->pixels, (size_t)a->width * (size_t)a->height * 3);
	/* The feeder is now empty. */
	drop_events(r);
	assert_int_equal(scanner_start(r->d, &feeder_color), KERR_OK);
	run(r, 0);
	assert_int_equal(count(r, DEV_EV_PAGE), 0);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_NO_DOCS);
}

static void empty_feeder(void **state)
{
	struct rig *r = *state;

	assert_int_equal(scanner_start(r->d, &feeder_color), KERR_OK);
	run(r, 0);
	assert_int_equal(r->n, 3); /* BUSY, READY, SCAN_DONE */
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_NO_DOCS);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->value, 0);
}

static void jam_mid_job(void **state)
{
	struct rig *r = *state;
	const struct dev_event *e;

	ctl(r, "feed 5");
	assert_int_equal(scanner_start(r->d, &feeder_color), KERR_OK);
	run(r, 400);
	ctl(r, "fault jam on");
	run(r, 400);
	assert_int_equal(count(r, DEV_EV_PAGE), 1);
	e = last(r, DEV_EV_SCAN_DONE);
	assert_non_null(e);
	assert_int_equal(e->err, KERR_JAMMED);
	assert_int_equal(e->status.state, DEV_STATE_FAULT);
	assert_int_equal(e->status.fault, KERR_JAMMED);
	assert_int_equal(scanner_start(r->d, &feeder_color), KERR_JAMMED);
	ctl(r, "fault jam off");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_READY);
	drop_events(r);
	/* Three sheets left: one scanned and one jammed of five. */
	assert_int_equal(scanner_start(r->d, &feeder_color), KERR_OK);
	run(r, 1200);
	assert_int_equal(count(r, DEV_EV_PAGE), 3);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_OK);
}

static void cover_open(void **state)
{
	struct rig *r = *state;

	ctl(r, "fault cover on");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.fault, KERR_COVER_OPEN);
	assert_int_equal(scanner_start(r->d, &flatbed_grey), KERR_COVER_OPEN);
	ctl(r, "fault cover off");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_READY);
	/* Opened during a job: the job ends with it. */
	ctl(r, "feed 2");
	assert_int_equal(scanner_start(r->d, &feeder_color), KERR_OK);
	run(r, 400);
	ctl(r, "fault cover on");
	run(r, 400);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_COVER_OPEN);
	assert_int_equal(count(r, DEV_EV_PAGE), 1);
}

static void io_error(void **state)
{
	struct rig *r = *state;

	ctl(r, "fault io on");
	assert_int_equal(scanner_start(r->d, &flatbed_grey), KERR_OK);
	run(r, 400);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_IO);
	assert_int_equal(r->d->status.fault, KERR_IO);
	ctl(r, "fault io off");
	assert_int_equal(r->d->status.state, DEV_STATE_READY);
	assert_int_equal(scanner_start(r->d, &flatbed_grey), KERR_OK);
	run(r, 400);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_OK);
}

static void unplug_plug_and_cancel(void **state)
{
	struct rig *r = *state;

	assert_int_equal(scanner_start(r->d, &flatbed_grey), KERR_OK);
	ctl(r, "unplug");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_ABSENT);
	assert_int_equal(last(r, DEV_EV_STATUS)->status.fault, KERR_NO_DEVICE);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_NO_DEVICE);
	assert_int_equal(scanner_start(r->d, &flatbed_grey), KERR_NO_DEVICE);
	ctl(r, "plug");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_READY);
	drop_events(r);
	assert_int_equal(scanner_start(r->d, &flatbed_grey), KERR_OK);
	scanner_cancel(r->d);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_CANCELLED);
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_PAGE), 0);
	scanner_cancel(r->d);
	assert_int_equal(count(r, DEV_EV_SCAN_DONE), 1);
}

static void slow_and_sizes(void **state)
{
	struct rig *r = *state;
	struct scan_params p = { SCAN_SOURCE_CAMERA, 300, true };
	const struct scan_page *pg;

	ctl(r, "slow on");
	assert_int_equal(scanner_start(r->d, &p), KERR_OK);
	run(r, 2999);
	assert_int_equal(count(r, DEV_EV_PAGE), 0);
	run(r, 1);
	pg = last(r, DEV_EV_PAGE)->payload;
	assert_int_equal(pg->width, 2480);
	assert_int_equal(pg->height, 3508);
	p.dpi = 100;
	assert_int_equal(scanner_start(r->d, &p), KERR_INVAL);
	p.dpi = 601;
	assert_int_equal(scanner_start(r->d, &p), KERR_INVAL);
}

static void controls(void **state)
{
	struct rig *r = *state;
	struct dev_config cfg = { .backend = "twain" };
	struct dev_sink sink = { post, r };
	struct dev *d = NULL;

	assert_int_equal(dev_control(r->d, "feed"), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "feed -1"), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "feed 2x"), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "feed 101"), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "fault jam"), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "scan"), KERR_INVAL);
	assert_int_equal(scanner_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
	assert_null(d);
	scan_page_free(NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(flatbed_one_page),
		T(feeder_pages_differ),
		T(empty_feeder),
		T(jam_mid_job),
		T(cover_open),
		T(io_error),
		T(unplug_plug_and_cancel),
		T(slow_and_sizes),
		T(controls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
