/* The receipt printer's USB backend end to end under umockdev: libusb enumerates the printer
 * described in tests/data/receipt_printer.umockdev, and this test answers the usbfs ioctls of its
 * device node as the printer would: it keeps the bulk OUT bytes (the receipt, read back with the
 * ESC/POS interpreter) and answers each DLE EOT request on bulk IN with a status byte from a script
 * (ready, paper near end, paper out before or during the job, cover open, offline, no answer,
 * malformed replies), or a one-way printer's GET_PORT_STATUS on the control pipe. The printer is
 * tests/support/umockdev_printer.c; in-process, as libusb's own tests/umockdev.c, the program
 * re-executes itself with libumockdev-preload.so.0. The ioctl handler runs on umockdev's thread;
 * the printer is shared with it under a lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/support/dev_run.h"
#include "drivers/escpos.h"
#include "drivers/escpos_job.h"
#include "drivers/receipt.h"
#include "drivers/receipt_layout.h"
#include "tests/support/umockdev_printer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WALL_2025_06_01 1748743200000LL
#define MAX_EVENTS	128

struct rig {
	struct clock clock;
	struct umockdev_printer p; /* the printer, on umockdev's thread */
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

static void run(struct rig *r, int64_t ms)
{
	dev_run(r->d, &r->clock, NULL, ms);
}

static struct dev_status status(const struct rig *r)
{
	struct dev_status st;

	dev_get_status(r->d, &st);
	return st;
}

/* Sets what the printer will say; the lock keeps the handler's thread out meanwhile. */
/* Sets what the printer will say; the lock keeps the handler's thread out meanwhile. */
#define PRINTER(r, stmt) UMOCKDEV_PRINTER(&(r)->p, stmt)

static size_t captured(struct rig *r)
{
	size_t n;

	PRINTER(r, n = r->p.captured);
	return n;
}

static void plug(struct rig *r)
{
	umockdev_printer_plug(&r->p);
}

static void unplug(struct rig *r)
{
	umockdev_printer_unplug(&r->p);
}

static void open_printer(struct rig *r, const struct dev_config *cfg)
{
	struct dev_sink sink = {post, r};

	assert_int_equal(receipt_open(cfg, &sink, &r->clock, &r->d), KERR_OK);
	run(r, 200);
}

/* A printer with the given descriptors (NULL: the description file's), not yet opened. */
static struct rig *rig_create(const char *descriptors)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	clock_init_virtual(&r->clock, WALL_2025_06_01);
	umockdev_printer_init(&r->p, descriptors);
	return r;
}

static int setup(void **state)
{
	struct rig *r = rig_create(NULL);
	struct dev_config cfg = {.backend = "usb"};

	open_printer(r, &cfg);
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
	PRINTER(r, {
		assert_int_equal(r->p.unknown, 0);
		assert_false(r->p.bad_urb);
	});
	umockdev_printer_finish(&r->p);
	free(r);
	return 0;
}

static const struct receipt_material missing[] = {
	{"户口簿", "缺少，可容缺后补"},
};

static const struct receipt_case sample = {
	.hall = "政务服务自助终端 · 花木街道便民服务中心",
	.case_no = "ZW3101150001202506030001",
	.item = "城乡居民基本养老保险参保登记",
	.applicant = "王*英",
	.id_number = "3101**********0023",
	.accepted = "2025-06-03 10:05",
	.promised = "2025-06-12（7个工作日）",
	.query_code = "8KQ2M7",
	.qr = "ZWFW:ZW3101150001202506030001:8KQ2M7",
	.phone = "12345",
	.deadline = "2025-06-17",
	.missing = missing,
	.n_missing = 1,
};

/* Prints the acceptance receipt and its commitment; returns the job id. */
static int print(struct rig *r, struct receipt_build *b)
{
	struct receipt_doc doc;
	int job = 0;

	receipt_build_init(b);
	receipt_layout_acceptance(b, &sample);
	receipt_layout_commitment(b, &sample);
	assert_int_equal(receipt_build_doc(b, &doc), KERR_OK);
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	assert_true(job > 0);
	return job;
}

/* Prints, runs until the job ends, and returns how it ended. */
static enum kerr print_job(struct rig *r)
{
	struct receipt_build b;
	const struct dev_event *e;
	int job = print(r, &b);

	receipt_build_finish(&b);
	run(r, 5000);
	assert_int_equal(count(r, DEV_EV_PRINT_DONE), 1);
	e = last(r, DEV_EV_PRINT_DONE);
	assert_int_equal(e->value, job);
	return e->err;
}

static bool has_text(const struct escpos_job *j, const char *text)
{
	for (size_t i = 0; i < j->n; i++)
		if ((j->items[i].kind == ESCPOS_ITEM_TEXT || j->items[i].kind == ESCPOS_ITEM_QR) &&
		    strstr(j->items[i].text, text))
			return true;
	return false;
}

static void prints_what_the_layout_says(void **state)
{
	struct rig *r = *state;
	struct receipt_build b;
	struct receipt_doc doc;
	struct escpos want;
	struct escpos_job paper;
	int cuts = 0;

	print(r, &b);
	assert_int_equal(status(r).state, DEV_STATE_BUSY);
	run(r, 5000);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_OK);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	assert_false(status(r).paper_near_end);
	/* The very bytes the simulated printer would have been given. */
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	escpos_init(&want, ESCPOS_DEFAULT_MAX);
	assert_int_equal(escpos_render_receipt(&want, &doc), KERR_OK);
	assert_int_equal(captured(r), want.len);
	assert_memory_equal(r->p.capture, want.data, want.len);
	escpos_finish(&want);
	receipt_build_finish(&b);
	/* And what the printer made of them. */
	assert_int_equal(escpos_job_parse(r->p.capture, r->p.captured, &paper), KERR_OK);
	assert_true(has_text(&paper, "ZW3101150001202506030001"));
	assert_true(has_text(&paper, "城乡居民基本养老保险参保登记"));
	assert_true(has_text(&paper, "8KQ2M7"));
	assert_true(has_text(&paper, "ZWFW:ZW3101150001202506030001:8KQ2M7"));
	assert_true(has_text(&paper, "户口簿"));
	for (size_t i = 0; i < paper.n; i++)
		cuts += paper.items[i].kind == ESCPOS_ITEM_CUT;
	assert_int_equal(cuts, 2);
	escpos_job_finish(&paper);
	/* Four requests before the job, some while it printed, four after. */
	PRINTER(r, assert_true(r->p.requests >= 8));
	/* Read on the bidirectional setting. */
	PRINTER(r, assert_int_equal(r->p.alt, 1));
}

static void kernel_driver_lent_while_claimed(void **state)
{
	struct rig *r = *state;
	struct dev_config cfg = {.backend = "usb"};

	PRINTER(r, {
		assert_int_equal(r->p.u.detaches, 1);
		assert_false(r->p.u.driver_bound);
		assert_true(r->p.u.claimed);
	});
	dev_destroy(r->d);
	r->d = NULL;
	/* Released and given back to usblp. */
	PRINTER(r, {
		assert_false(r->p.u.claimed);
		assert_true(r->p.u.driver_bound);
	});
	open_printer(r, &cfg);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	PRINTER(r, assert_int_equal(r->p.u.detaches, 2));
}

static void paper_near_end_prints_and_tells_the_health(void **state)
{
	struct rig *r = *state;
	const struct dev_event *e;

	PRINTER(r, r->p.near_end = true);
	assert_int_equal(print_job(r), KERR_OK);
	assert_true(captured(r) > 0);
	e = last(r, DEV_EV_PRINT_DONE);
	assert_true(e->status.paper_near_end);
	assert_int_equal(e->status.state, DEV_STATE_READY);
	/* The status event the heartbeat's health is made from. */
	e = last(r, DEV_EV_STATUS);
	assert_non_null(e);
	assert_true(e->status.paper_near_end);
	assert_true(status(r).paper_near_end);
	assert_string_equal(status(r).detail, "paper near end");
	/* A new roll: the health hears of that too, while idle. */
	drop_events(r);
	PRINTER(r, r->p.near_end = false);
	run(r, 4000);
	assert_false(status(r).paper_near_end);
	assert_int_equal(count(r, DEV_EV_STATUS), 1);
}

/* Each fault refuses the job before a byte of it goes out, and clears when the printer does. */
static void faults_before_the_job_refuse_it(void **state)
{
	struct rig *r = *state;
	static const struct {
		const char *name;
		enum kerr want;
	} faults[] = {
		{"paper out", KERR_PAPER_OUT},
		{"cover open", KERR_COVER_OPEN},
		{"offline", KERR_IO},
	};

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		PRINTER(r, {
			r->p.paper_out = i == 0;
			r->p.cover_open = i == 1;
			r->p.offline = i == 2;
		});
		drop_events(r);
		assert_int_equal(print_job(r), faults[i].want);
		assert_int_equal(captured(r), 0);
		assert_int_equal(status(r).state, DEV_STATE_FAULT);
		assert_int_equal(status(r).fault, faults[i].want);
		assert_string_equal(status(r).detail, faults[i].name);
		PRINTER(r, r->p.paper_out = r->p.cover_open = r->p.offline = false);
		run(r, 4000);
		assert_int_equal(status(r).state, DEV_STATE_READY);
	}
	drop_events(r);
	assert_int_equal(print_job(r), KERR_OK);
	assert_true(captured(r) > 0);
}

static void paper_out_during_the_job_is_a_failure(void **state)
{
	struct rig *r = *state;

	PRINTER(r, r->p.run_out_on_job = true);
	/* The printer took every byte, and said nothing of it: the status after tells. */
	assert_int_equal(print_job(r), KERR_PAPER_OUT);
	assert_true(captured(r) > 0);
	assert_int_equal(status(r).state, DEV_STATE_FAULT);
	assert_int_equal(status(r).fault, KERR_PAPER_OUT);
	/* A new roll: ready again, without restarting anything. */
	PRINTER(r, r->p.paper_out = r->p.run_out_on_job = false);
	run(r, 4000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
}

static void no_answer_and_malformed_answers(void **state)
{
	struct rig *r = *state;
	static const struct {
		enum umockdev_printer_answer answer;
		enum kerr want;
	} cases[] = {
		{UMOCKDEV_PRINTER_NONE, KERR_TIMEOUT},
		{UMOCKDEV_PRINTER_EMPTY, KERR_TIMEOUT},
		{UMOCKDEV_PRINTER_GARBLE, KERR_PROTO},
		{UMOCKDEV_PRINTER_DOUBLE, KERR_PROTO},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		PRINTER(r, r->p.answer = cases[i].answer);
		drop_events(r);
		assert_int_equal(print_job(r), cases[i].want);
		/* Never printed blind. */
		assert_int_equal(captured(r), 0);
		assert_int_equal(status(r).state, DEV_STATE_FAULT);
		assert_int_equal(status(r).fault, cases[i].want);
		PRINTER(r, r->p.answer = UMOCKDEV_PRINTER_STATUS);
		run(r, 5000);
		assert_int_equal(status(r).state, DEV_STATE_READY);
	}
}

static void one_job_at_a_time(void **state)
{
	struct rig *r = *state;
	struct receipt_build b;
	struct receipt_doc doc;
	int job = 0;

	print(r, &b);
	assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_BUSY);
	receipt_build_finish(&b);
	run(r, 5000);
	assert_int_equal(count(r, DEV_EV_PRINT_DONE), 1);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_OK);
}

static void unplugged_while_idle_and_back(void **state)
{
	struct rig *r = *state;

	unplug(r);
	run(r, 4000);
	assert_int_equal(status(r).state, DEV_STATE_ABSENT);
	assert_int_equal(status(r).fault, KERR_NO_DEVICE);
	assert_non_null(strstr(status(r).detail, "unplugged"));
	/* A job meanwhile is refused at once, not queued for a printer that is not there. */
	{
		struct receipt_build b;
		struct receipt_doc doc;
		int job = 0;

		receipt_build_init(&b);
		receipt_layout_acceptance(&b, &sample);
		assert_int_equal(receipt_build_doc(&b, &doc), KERR_OK);
		assert_int_equal(receipt_print(r->d, &doc, &job), KERR_NO_DEVICE);
		receipt_build_finish(&b);
	}
	plug(r);
	run(r, 3000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	drop_events(r);
	assert_int_equal(print_job(r), KERR_OK);
}

static void unplugged_mid_job_and_back(void **state)
{
	struct rig *r = *state;
	struct receipt_build b;
	int job = print(r, &b);

	receipt_build_finish(&b);
	/* Until the bytes are out and the paper is coming. */
	for (int i = 0; i < 200 && captured(r) == 0; i++)
		run(r, 5);
	assert_true(captured(r) > 0);
	assert_int_equal(count(r, DEV_EV_PRINT_DONE), 0);
	unplug(r);
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_PRINT_DONE), 1);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->value, job);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_NO_DEVICE);
	assert_int_equal(status(r).state, DEV_STATE_ABSENT);
	plug(r);
	run(r, 3000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	drop_events(r);
	PRINTER(r, r->p.captured = 0);
	assert_int_equal(print_job(r), KERR_OK);
	assert_true(captured(r) > 0);
}

/* Limited by VID:PID or by port: the printer is found only where it was said to be. */
static void selected_by_ids_and_port(void **state)
{
	struct rig *r = *state;
	static const struct {
		const char *ids, *port;
		enum dev_state want;
	} cases[] = {
		{"0416:5011", "", DEV_STATE_READY},
		{"04b8:0e15,0416:5011", "1-2", DEV_STATE_READY},
		{"04b8:0e15", "", DEV_STATE_ABSENT},
		{"", "1-3", DEV_STATE_ABSENT},
		{"", "2-2", DEV_STATE_ABSENT},
	};
	static const char *const bad[][2] = {
		{"0416", ""}, {"", "1"},     {"", "1-"},
		{"", "x-1"},  {"", "1-2.0"}, {"", "1-1.2.3.4.5.6.7.8"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dev_config cfg = {.backend = "usb"};

		dev_destroy(r->d);
		r->d = NULL;
		snprintf(cfg.usb_ids, sizeof(cfg.usb_ids), "%s", cases[i].ids);
		snprintf(cfg.usb_port, sizeof(cfg.usb_port), "%s", cases[i].port);
		open_printer(r, &cfg);
		assert_int_equal(status(r).state, cases[i].want);
		drop_events(r);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dev_config cfg = {.backend = "usb"};
		struct dev_sink sink = {post, r};
		struct dev *d = NULL;

		snprintf(cfg.usb_ids, sizeof(cfg.usb_ids), "%s", bad[i][0]);
		snprintf(cfg.usb_port, sizeof(cfg.usb_port), "%s", bad[i][1]);
		assert_int_equal(receipt_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
		assert_null(d);
	}
}

/* A printer with only the one-way setting: its status through GET_PORT_STATUS. */
static void one_way_printer(void **state)
{
	struct rig *r = rig_create(UMOCKDEV_PRINTER_ONE_WAY);
	struct dev_config cfg = {.backend = "usb"};

	(void)state;
	open_printer(r, &cfg);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	drop_events(r);
	assert_int_equal(print_job(r), KERR_OK);
	assert_true(captured(r) > 0);
	PRINTER(r, {
		assert_int_equal(r->p.requests, 0);
		assert_true(r->p.port_requests >= 2);
		r->p.captured = 0;
		r->p.port_status = 0x38; /* paper empty */
	});
	drop_events(r);
	assert_int_equal(print_job(r), KERR_PAPER_OUT);
	assert_int_equal(captured(r), 0);
	PRINTER(r, r->p.port_status = 0x08); /* deselected */
	run(r, 4000);
	assert_int_equal(status(r).fault, KERR_IO);
	PRINTER(r, r->p.port_status = 0x18);
	run(r, 4000);
	assert_int_equal(status(r).state, DEV_STATE_READY);
	*state = r;
	teardown(state);
}

int main(int argc, char **argv)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(prints_what_the_layout_says),
		T(kernel_driver_lent_while_claimed),
		T(paper_near_end_prints_and_tells_the_health),
		T(faults_before_the_job_refuse_it),
		T(paper_out_during_the_job_is_a_failure),
		T(no_answer_and_malformed_answers),
		T(one_job_at_a_time),
		T(unplugged_while_idle_and_back),
		T(unplugged_mid_job_and_back),
		T(selected_by_ids_and_port),
		cmocka_unit_test(one_way_printer),
	};

	(void)argc;
	if (!umockdev_dev_preloaded(argv)) {
		printf("umockdev's preload library is missing: the USB tests are skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
