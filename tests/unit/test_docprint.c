/* The simulated A4 printer: PDF checks, spooling, paper, cover, jam, unplug and slow switches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/docprint.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_EVENTS 32

struct rig {
	struct clock clock;
	struct dev *d;
	struct dev_event ev[MAX_EVENTS];
	int n;
	char dir[64], spool[96], pdf[96], txt[96];
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

static const struct dev_event *last(const struct rig *r, enum dev_event_type t)
{
	for (int i = r->n - 1; i >= 0; i--)
		if (r->ev[i].type == t)
			return &r->ev[i];
	return NULL;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (unlink(p) != 0)
			remove_tree(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct dev_config cfg = { .backend = "sim", .latency_ms = 2000 };
	struct dev_sink sink = { post, r };

	strcpy(r->dir, "/tmp/test_docprint.XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	snprintf(r->spool, sizeof(r->spool), "%s/spool", r->dir);
	snprintf(r->pdf, sizeof(r->pdf), "%s/form.pdf", r->dir);
	snprintf(r->txt, sizeof(r->txt), "%s/form.txt", r->dir);
	assert_int_equal(mkdir(r->spool, 0700), 0);
	write_file(r->pdf, "%PDF-1.4\n%minimal\n%%EOF\n");
	write_file(r->txt, "not a pdf at all\n");
	snprintf(cfg.path, sizeof(cfg.path), "%s", r->spool);
	clock_init_virtual(&r->clock, 1748743200000LL);
	assert_int_equal(docprint_open(&cfg, &sink, &r->clock, &r->d), KERR_OK);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	remove_tree(r->dir);
	dev_destroy(r->d);
	free(r);
	return 0;
}

static void ctl(struct rig *r, const char *cmd)
{
	assert_int_equal(dev_control(r->d, cmd), KERR_OK);
}

static void prints_a_pdf(void **state)
{
	struct rig *r = *state;
	char copy[160];
	FILE *f;
	char head[8] = { 0 };
	int job = 0;

	assert_int_equal(docprint_print_pdf(r->d, r->pdf, "申请表", &job), KERR_OK);
	assert_int_equal(job, 1);
	assert_int_equal(r->d->status.state, DEV_STATE_BUSY);
	assert_int_equal(docprint_print_pdf(r->d, r->pdf, "again", &job), KERR_BUSY);
	snprintf(copy, sizeof(copy), "%s/job-1.pdf", r->spool);
	f = fopen(copy, "rb");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, 5, f), 5);
	fclose(f);
	assert_string_equal(head, "%PDF-");
	run(r, 1999);
	assert_null(last(r, DEV_EV_PRINT_DONE));
	run(r, 1);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_OK);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->value, 1);
	assert_int_equal(r->d->status.state, DEV_STATE_READY);
	assert_true(dev_next_deadline(r->d) == INT64_MAX);
}

static void rejects_non_pdfs(void **state)
{
	struct rig *r = *state;
	char missing[160];
	int job = 0;

	snprintf(missing, sizeof(missing), "%s/nothing.pdf", r->dir);
	assert_int_equal(docprint_print_pdf(r->d, r->txt, "x", &job), KERR_INVAL);
	assert_int_equal(docprint_print_pdf(r->d, missing, "x", &job), KERR_INVAL);
	assert_int_equal(docprint_print_pdf(r->d, "", "x", &job), KERR_INVAL);
	assert_int_equal(docprint_print_pdf(r->d, r->spool, "x", &job), KERR_INVAL);
	assert_int_equal(job, 0);
	assert_int_equal(r->n, 0);
}

static void paper_out_and_cover(void **state)
{
	struct rig *r = *state;
	int job = 0;

	ctl(r, "fault paper-out on");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.fault, KERR_PAPER_OUT);
	assert_int_equal(docprint_print_pdf(r->d, r->pdf, "x", &job), KERR_OK);
	run(r, 0);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_PAPER_OUT);
	ctl(r, "fault cover on");
	assert_int_equal(r->d->status.fault, KERR_COVER_OPEN);
	ctl(r, "fault paper-out off");
	ctl(r, "fault cover off");
	assert_int_equal(r->d->status.state, DEV_STATE_READY);
	/* Opened during the job. */
	assert_int_equal(docprint_print_pdf(r->d, r->pdf, "x", &job), KERR_OK);
	ctl(r, "fault cover on");
	run(r, 2000);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_COVER_OPEN);
}

static void jam(void **state)
{
	struct rig *r = *state;
	int job = 0;

	ctl(r, "fault jam on");
	assert_int_equal(r->d->status.state, DEV_STATE_READY);
	assert_int_equal(docprint_print_pdf(r->d, r->pdf, "x", &job), KERR_OK);
	run(r, 2000);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_JAMMED);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->status.fault, KERR_JAMMED);
	assert_int_equal(docprint_print_pdf(r->d, r->pdf, "x", &job), KERR_OK);
	run(r, 0);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_JAMMED);
	ctl(r, "fault jam off");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_READY);
}

static void unplug_plug_slow(void **state)
{
	struct rig *r = *state;
	struct dev_config cfg = { .backend = "ipp" };
	struct dev_sink sink = { post, r };
	struct dev *d = NULL;
	int job = 0;

	assert_int_equal(docprint_print_pdf(r->d, r->pdf, "x", &job), KERR_OK);
	ctl(r, "unplug");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_ABSENT);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->err, KERR_NO_DEVICE);
	assert_int_equal(docprint_print_pdf(r->d, r->pdf, "x", &job), KERR_NO_DEVICE);
	ctl(r, "plug");
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_READY);
	ctl(r, "slow on");
	assert_int_equal(docprint_print_pdf(r->d, r->pdf, NULL, &job), KERR_OK);
	run(r, 2999);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->value, 1);
	run(r, 1);
	assert_int_equal(last(r, DEV_EV_PRINT_DONE)->value, 2);
	assert_int_equal(dev_control(r->d, "fault toner on"), KERR_INVAL);
	assert_int_equal(docprint_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(prints_a_pdf), T(rejects_non_pdfs), T(paper_out_and_cover),
		T(jam),		 T(unplug_plug_slow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
