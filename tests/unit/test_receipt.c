/* The simulated receipt printer: jobs, spool files, every fault switch and the status it shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/receipt.h"
#include "drivers/sim.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_EVENTS 64

struct rig {
	struct clock clock;
	struct dev *d;
	struct dev_event ev[MAX_EVENTS];
	int n;
	char dir[64];
};

static void post(void *ctx, const struct dev_event *ev)
{
	struct rig *r = ctx;

	assert_true(r->n < MAX_EVENTS);
	r->ev[r->n++] = *ev;
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

static struct rig *rig_open(const char *path)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct dev_config cfg = { .backend = "sim", .latency_ms = 500 };
	struct dev_sink sink = { post, r };

	strcpy(r->dir, "/tmp/test_receipt.XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	if (path)
		snprintf(cfg.path, sizeof(cfg.path), "%s%s", r->dir, path);
	clock_init_virtual(&r->clock, 1748743200000LL);
	assert_int_equal(receipt_open(&cfg, &sink, &r->clock, &r->d), KERR_OK);
	return r;
}

static void rig_close(struct rig *r)
{
	DIR *dir = opendir(r->dir);
	struct dirent *e;
	char p[512];

	while (dir && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", r->dir, e->d_name);
		unlink(p);
	}
	if (dir)
		closedir(dir);
	rmdir(r->dir);
	dev_destroy(r->d);
	free(r);
}

static int setup(void **state)
{
	*state = rig_open("");
	return 0;
}

static int teardown(void **state)
{
	rig_close(*state);
	return 0;
}

static void ctl(struct rig *r, const char *cmd)
{
	assert_int_equal(dev_control(r->d, cmd), KERR_OK);
}

static const struct receipt_line lines[] = {
	{ RECEIPT_TEXT, RECEIPT_CENTER, true, 2, "政务服务" },
	{ RECEIPT_RULE },
	{ RECEIPT_TEXT, RECEIPT_LEFT, false, 1, "受理编号 2025-0001" },
	{ RECEIPT_QR, RECEIPT_CENTER, false, 1, "ZWFW:2025-0001" },
};
static const struct receipt_doc doc = { lines, 4 };

static long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

static void prints_and_spools(void **state)
{
	struct rig *r = *state;
	const uint8_t *bytes;
	char path[512];
	size_t len;
	int job = 0, kept = 0;

	assert_int_equal(receipt_sim_get_last_job(r->d, &bytes, &len, &kept), KERR_NOT_FOUND);
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	assert_int_equal(job, 1);
	assert_int_equal(r->d->status.state, DEV_STATE_BUSY);
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_BUSY);
	run(r, 499);
	assert_int_equal(count(r, DEV_EV_PRINT_DONE), 0);
	run(r, 1);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->value, 1);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_OK);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->status.state, DEV_STATE_READY);
	assert_int_equal(receipt_sim_get_last_job(r->d, &bytes, &len, &kept), KERR_OK);
	assert_int_equal(kept, 1);
	assert_memory_equal(bytes, "\x1b\x40\x1c\x26", 4);
	assert_memory_equal(bytes + len - 3, "\x1d\x56\x00", 3);
	snprintf(path, sizeof(path), "%s/job-1.bin", r->dir);
	assert_int_equal(file_size(path), (long)len);
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	assert_int_equal(job, 2);
	run(r, 500);
	snprintf(path, sizeof(path), "%s/job-2.bin", r->dir);
	assert_int_equal(file_size(path), (long)len);
}

static void spool_file_appends(void **state)
{
	struct rig *r = rig_open("/spool.bin");
	char path[512];
	int job = 0;

	(void)state;
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	run(r, 500);
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	run(r, 500);
	snprintf(path, sizeof(path), "%s/spool.bin", r->dir);
	{
		const uint8_t *bytes;
		size_t len;
		int kept;

		assert_int_equal(receipt_sim_get_last_job(r->d, &bytes, &len, &kept), KERR_OK);
		assert_int_equal(file_size(path), 2 * (long)len);
	}
	rig_close(r);
}

static void spool_failure(void **state)
{
	struct rig *r = rig_open("/no/such/folder/spool.bin");
	int job = 0;

	(void)state;
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_IO);
	assert_int_equal(job, 0);
	assert_int_equal(r->d->status.state, DEV_STATE_READY);
	rig_close(r);
}

static void paper_out(void **state)
{
	struct rig *r = *state;
	const uint8_t *bytes;
	size_t len;
	int job = 0, kept;

	ctl(r, "fault paper-out on");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_FAULT);
	assert_int_equal(last(r, DEV_EV_STATUS)->status.fault, KERR_PAPER_OUT);
	/* Taken, but failed without printing: the status was checked first. */
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	run(r, 0);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_PAPER_OUT);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->value, job);
	assert_int_equal(receipt_sim_get_last_job(r->d, &bytes, &len, &kept), KERR_NOT_FOUND);
	ctl(r, "fault paper-out off");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_READY);
}

static void near_end_still_prints(void **state)
{
	struct rig *r = *state;
	int job = 0;

	ctl(r, "fault near-end on");
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0].type, DEV_EV_STATUS);
	assert_true(r->ev[0].status.paper_near_end);
	assert_int_equal(r->ev[0].status.state, DEV_STATE_READY);
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	run(r, 500);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_OK);
	assert_true(last(r, DEV_EV_PRINT_DONE)->status.paper_near_end);
	ctl(r, "fault near-end off");
	assert_false(last(r, DEV_EV_STATUS)->status.paper_near_end);
}

static void cover_open(void **state)
{
	struct rig *r = *state;
	int job = 0;

	ctl(r, "fault cover on");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.fault, KERR_COVER_OPEN);
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	run(r, 0);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_COVER_OPEN);
	ctl(r, "fault cover off");
	assert_int_equal(r->d->status.state, DEV_STATE_READY);
	/* Opened while printing: the check after the job catches it. */
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	ctl(r, "fault cover on");
	run(r, 500);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_COVER_OPEN);
}

static void paper_out_mid_job(void **state)
{
	struct rig *r = *state;
	const uint8_t *bytes;
	size_t len;
	int job = 0, kept;

	ctl(r, "fault paper-out-mid-job on");
	assert_int_equal(r->n, 0);
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	run(r, 500);
	/* The bytes went out, yet the job failed: the status after the job said paper end. */
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_PAPER_OUT);
	assert_int_equal(receipt_sim_get_last_job(r->d, &bytes, &len, &kept), KERR_OK);
	assert_int_equal(kept, job);
	assert_int_equal(r->d->status.fault, KERR_PAPER_OUT);
	ctl(r, "fault paper-out-mid-job off");
	assert_int_equal(r->d->status.state, DEV_STATE_READY);
}

static void unplug_plug_slow(void **state)
{
	struct rig *r = *state;
	int job = 0;

	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	ctl(r, "unplug");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_ABSENT);
	assert_int_equal(last(r, DEV_EV_STATUS)->status.fault, KERR_NO_DEVICE);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_NO_DEVICE);
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_NO_DEVICE);
	ctl(r, "unplug");
	ctl(r, "plug");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_READY);
	ctl(r, "slow on");
	assert_int_equal(receipt_print(r->d, &doc, &job), KERR_OK);
	run(r, 2999);
	assert_int_equal(count(r, DEV_EV_PRINT_DONE), 1);
	run(r, 1);
	assert_int_equal(count(r, DEV_EV_PRINT_DONE), 2);
}

static void bad_input(void **state)
{
	struct rig *r = *state;
	struct receipt_line bad = { RECEIPT_QR, RECEIPT_LEFT, false, 1, "" };
	struct receipt_doc bad_doc = { &bad, 1 };
	struct dev_config cfg = { .backend = "cups" };
	struct dev_sink sink = { post, r };
	struct dev *d = NULL;
	const uint8_t *bytes;
	size_t len;
	int job = 0, kept;

	assert_int_equal(receipt_print(r->d, &bad_doc, &job), KERR_INVAL);
	assert_int_equal(receipt_print(r->d, NULL, &job), KERR_INVAL);
	assert_int_equal(job, 0);
	assert_int_equal(dev_control(r->d, "fault paper-out"), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "fault toner on"), KERR_INVAL);
	assert_int_equal(receipt_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
	assert_int_equal(receipt_sim_get_last_job(NULL, &bytes, &len, &kept), KERR_INVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(prints_and_spools),
		cmocka_unit_test(spool_file_appends),
		cmocka_unit_test(spool_failure),
		T(paper_out),
		T(near_end_still_prints),
		T(cover_open),
		T(paper_out_mid_job),
		T(unplug_plug_slow),
		T(bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
