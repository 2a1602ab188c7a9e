/* The SANE backend against SANE's own "test" backend, configured in a private SANE_CONFIG_DIR: flatbed,
 * feeder, empty feeder, the statuses a device returns, slow and short reads, inexact parameters; and through
 * a thin fault layer over it, a jam in the middle of a page and a device that stops answering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/scanner.h"
#include "drivers/scanner_sane.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 128
#define WAIT_S 20 /* a bound on a broken test, never reached by a passing one */

/* Events arrive from the worker thread: kept under a lock, waited for on a condition. */
struct rig {
	struct clock clock;
	struct dev *d;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct dev_event ev[MAX_EVENTS];
	int n;
	const char *dir;
};

/* libsane reads SANE_CONFIG_DIR once per process: one folder for every test, its test.conf rewritten. */
static char conf_dir[64];

static void post(void *ctx, const struct dev_event *ev)
{
	struct rig *r = ctx;

	pthread_mutex_lock(&r->lock);
	if (r->n < MAX_EVENTS) {
		r->ev[r->n++] = *ev;
	} else {
		struct dev_event copy = *ev;

		dev_event_finish(&copy);
	}
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/* Index of the first event of a type at or after from, waiting for it; -1 if none came in time. */
static int wait_for(struct rig *r, enum dev_event_type type, int from)
{
	struct timespec until;
	int found = -1;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_S;
	pthread_mutex_lock(&r->lock);
	for (;;) {
		for (int i = from; i < r->n && found < 0; i++)
			if (r->ev[i].type == type)
				found = i;
		if (found >= 0 || pthread_cond_timedwait(&r->cond, &r->lock, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&r->lock);
	return found;
}

static int count(struct rig *r, enum dev_event_type type)
{
	int c = 0;

	pthread_mutex_lock(&r->lock);
	for (int i = 0; i < r->n; i++)
		c += r->ev[i].type == type;
	pthread_mutex_unlock(&r->lock);
	return c;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The test backend's configuration: every key (the library keeps what an earlier test.conf said for a key
 * the next one leaves out), then the test's own lines. */
static void configure(struct rig *r, const char *extra)
{
	char conf[2048];

	snprintf(conf, sizeof(conf),
		 "number_of_devices 1\nmode Gray\ndepth 8\nresolution_min 1.0\nresolution_max 1200.0\n"
		 "resolution_quant 1.0\nresolution 50.0\ntest-picture \"Grid\"\ngeometry_min 0.0\n"
		 "geometry_max 200.0\ngeometry_quant 1.0\ntl_x 0.0\ntl_y 0.0\nbr_x 40.0\nbr_y 50.0\n"
		 "hand-scanner false\nthree-pass false\nthree-pass-order RGB\ninvert-endianess false\n"
		 "read-limit false\nread-limit-size 1\nread-delay false\nread-delay-duration 1000\n"
		 "read-status-code \"Default\"\nfuzzy-parameters false\nppl-loss 0\nnon-blocking false\n"
		 "select-fd false\nenable-test-options false\n%s",
		 extra ? extra : "");
	write_file(r->dir, "test.conf", conf);
	write_file(r->dir, "dll.conf", "test\n");
	setenv("SANE_CONFIG_DIR", r->dir, 1);
}

static void open_rig(struct rig *r, const char *path, const struct scanner_sane_api *api)
{
	struct dev_config cfg = { .backend = "sane" };
	struct dev_sink sink = { post, r };

	snprintf(cfg.path, sizeof(cfg.path), "%s", path);
	if (api)
		assert_int_equal(scanner_sane_open_api(&cfg, &sink, &r->clock, api, &r->d), KERR_OK);
	else
		assert_int_equal(scanner_open(&cfg, &sink, &r->clock, &r->d), KERR_OK);
	assert_true(wait_for(r, DEV_EV_STATUS, 0) >= 0);
}

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	clock_init_virtual(&r->clock, 0);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->dir = conf_dir;
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	dev_destroy(r->d);
	for (int i = 0; i < r->n; i++)
		dev_event_finish(&r->ev[i]);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
	return 0;
}

/* Runs a job to its end; returns the index of its SCAN_DONE event. */
static int job(struct rig *r, enum scan_source src, int dpi, bool color)
{
	struct scan_params p = { .source = src, .dpi = dpi, .color = color };
	int from = r->n, done;

	assert_int_equal(scanner_start(r->d, &p), KERR_OK);
	done = wait_for(r, DEV_EV_SCAN_DONE, from);
	assert_true(done >= 0);
	return done;
}

static const struct scan_page *page_at(struct rig *r, int nth)
{
	for (int i = 0, k = 0; i < r->n; i++)
		if (r->ev[i].type == DEV_EV_PAGE && k++ == nth)
			return r->ev[i].payload;
	fail_msg("no page %d", nth);
	return NULL;
}

static void flatbed_grey(void **state)
{
	struct rig *r = *state;
	const struct scan_page *p;
	struct dev_status st;
	int done;

	configure(r, NULL);
	open_rig(r, "", NULL); /* the first device found */
	dev_poll(r->d, 0);
	dev_get_status(r->d, &st);
	assert_int_equal(st.state, DEV_STATE_READY);
	done = job(r, SCAN_SOURCE_FLATBED, 150, false);
	assert_int_equal(r->ev[done].err, KERR_OK);
	assert_int_equal(r->ev[done].value, 1);
	assert_int_equal(count(r, DEV_EV_PAGE), 1);
	p = page_at(r, 0);
	/* 40 x 50 mm at 150 dpi */
	assert_int_equal(p->width, 236);
	assert_int_equal(p->height, 295);
	assert_int_equal(p->channels, 1);
	assert_int_equal(p->dpi, 150);
	assert_int_equal(p->index, 0);
	{
		/* The grid has black and white squares. */
		int dark = 0, light = 0;

		for (int i = 0; i < p->width * p->height; i++)
			dark += p->pixels[i] < 64, light += p->pixels[i] > 192;
		assert_true(dark > 1000 && light > 1000);
	}
	dev_poll(r->d, 0);
	dev_get_status(r->d, &st);
	assert_int_equal(st.state, DEV_STATE_READY);
}

static void flatbed_colour_named(void **state)
{
	struct rig *r = *state;
	const struct scan_page *p;
	int done;

	configure(r, "test-picture \"Color pattern\"\n");
	open_rig(r, "test:0", NULL);
	done = job(r, SCAN_SOURCE_FLATBED, 200, true);
	assert_int_equal(r->ev[done].err, KERR_OK);
	p = page_at(r, 0);
	assert_int_equal(p->channels, 3);
	assert_int_equal(p->dpi, 200);
	assert_int_equal(p->width, 314); /* the test backend truncates 314.96 */
}

static void three_pass(void **state)
{
	struct rig *r = *state;
	const struct scan_page *p;
	int done;

	configure(r, "three-pass true\ntest-picture \"Color pattern\"\n");
	open_rig(r, "test", NULL);
	done = job(r, SCAN_SOURCE_FLATBED, 150, true);
	assert_int_equal(r->ev[done].err, KERR_OK);
	p = page_at(r, 0);
	assert_int_equal(p->channels, 3);
	assert_int_equal(p->height, 295);
}

static void status_ends_job(struct rig *r, const char *status, enum kerr want, enum dev_state state)
{
	char line[96];
	struct dev_status st;
	int done;

	snprintf(line, sizeof(line), "read-status-code \"%s\"\n", status);
	configure(r, line);
	open_rig(r, "test", NULL);
	done = job(r, SCAN_SOURCE_FLATBED, 150, false);
	assert_int_equal(r->ev[done].err, want);
	assert_int_equal(r->ev[done].status.state, state);
	assert_int_equal(count(r, DEV_EV_PAGE), 0);
	dev_poll(r->d, 0);
	dev_get_status(r->d, &st);
	assert_int_equal(st.state, state);
	assert_true(strstr(st.detail, "read") != NULL);
}

static void jam(void **state)
{
	status_ends_job(*state, "SANE_STATUS_JAMMED", KERR_JAMMED, DEV_STATE_FAULT);
}

static void cover_open(void **state)
{
	status_ends_job(*state, "SANE_STATUS_COVER_OPEN", KERR_COVER_OPEN, DEV_STATE_FAULT);
}

static void io_error(void **state)
{
	status_ends_job(*state, "SANE_STATUS_IO_ERROR", KERR_IO, DEV_STATE_FAULT);
}

static void no_docs_at_read(void **state)
{
	status_ends_job(*state, "SANE_STATUS_NO_DOCS", KERR_NO_DOCS, DEV_STATE_READY);
}

static void busy_device(void **state)
{
	status_ends_job(*state, "SANE_STATUS_DEVICE_BUSY", KERR_BUSY, DEV_STATE_READY);
}

/* A byte at a time, each with a delay: the page still comes whole, and start never waits for it. */
static void slow_short_reads(void **state)
{
	struct rig *r = *state;
	struct scan_params p = { .source = SCAN_SOURCE_FLATBED, .dpi = 150 };
	struct timespec t0, t1;
	const struct scan_page *pg;
	int done;

	configure(r, "read-limit true\nread-limit-size 37\nread-delay true\nread-delay-duration 1000\n"
		     "br_x 10.0\nbr_y 10.0\nppl-loss 3\n");
	open_rig(r, "test", NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(scanner_start(r->d, &p), KERR_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 50);
	/* A second job while one runs is refused, not queued behind it. */
	assert_int_equal(scanner_start(r->d, &p), KERR_BUSY);
	done = wait_for(r, DEV_EV_SCAN_DONE, 0);
	assert_true(done >= 0);
	assert_int_equal(r->ev[done].err, KERR_OK);
	pg = page_at(r, 0);
	assert_int_equal(pg->width, 59 - 3); /* ppl-loss pads each line with unused bytes */
	assert_int_equal(pg->height, 59);
}

static void absent_device(void **state)
{
	struct rig *r = *state;
	struct dev_status st;
	int done;

	configure(r, NULL);
	open_rig(r, "nosuchbackend:0", NULL);
	dev_poll(r->d, 0);
	dev_get_status(r->d, &st);
	assert_int_equal(st.state, DEV_STATE_ABSENT);
	done = job(r, SCAN_SOURCE_FLATBED, 150, false);
	assert_int_equal(r->ev[done].err, KERR_NO_DEVICE);
}

/* ---- a thin fault layer over the test backend ---- */

/* Debian's test backend never runs out of sheets, rounds no resolution and cannot fail half-way through a
 * page: these few calls are wrapped to do it. */
static struct fault {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int sheets;	 /* sheets in the feeder, or -1 for the backend's own */
	int jam_page;	 /* the page that jams after jam_after bytes, or -1 */
	long jam_after;
	int stall_page; /* the page whose reads stop coming until cancelled, or -1 */
	int round_dpi;	 /* resolution rounded down to a multiple of this, or 0 */
	int page;	 /* pages started */
	long bytes;	 /* of this page */
	bool cancelled;
} fl = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, -1, -1, 0, -1, 0, 0, 0, false };

static SANE_Status fl_start(SANE_Handle h)
{
	SANE_Status st;

	pthread_mutex_lock(&fl.lock);
	if (fl.sheets >= 0 && fl.page >= fl.sheets) {
		pthread_mutex_unlock(&fl.lock);
		return SANE_STATUS_NO_DOCS;
	}
	pthread_mutex_unlock(&fl.lock);
	st = sane_start(h);
	pthread_mutex_lock(&fl.lock);
	if (st == SANE_STATUS_GOOD) {
		fl.page++;
		fl.bytes = 0;
	}
	pthread_mutex_unlock(&fl.lock);
	return st;
}

static SANE_Status fl_control(SANE_Handle h, SANE_Int n, SANE_Action a, void *v, SANE_Int *info)
{
	const SANE_Option_Descriptor *d = sane_get_option_descriptor(h, n);
	SANE_Status st;

	if (fl.round_dpi && a == SANE_ACTION_SET_VALUE && d && d->name && strcmp(d->name, "resolution") == 0) {
		SANE_Word w = SANE_FIX((int)SANE_UNFIX(*(SANE_Word *)v) / fl.round_dpi * fl.round_dpi);

		st = sane_control_option(h, n, a, &w, info);
		if (info)
			*info |= SANE_INFO_INEXACT;
		return st;
	}
	return sane_control_option(h, n, a, v, info);
}
static SANE_Status fl_read(SANE_Handle h, SANE_Byte *buf, SANE_Int max, SANE_Int *len)
{
	SANE_Status st;

	pthread_mutex_lock(&fl.lock);
	if (fl.page - 1 == fl.stall_page) {
		while (!fl.cancelled)
			pthread_cond_wait(&fl.cond, &fl.lock);
		pthread_mutex_unlock(&fl.lock);
		*len = 0;
		return SANE_STATUS_CANCELLED;
	}
	if (fl.page - 1 == fl.jam_page && fl.bytes >= fl.jam_after) {
		pthread_mutex_unlock(&fl.lock);
		*len = 0;
		return SANE_STATUS_JAMMED;
	}
	pthread_mutex_unlock(&fl.lock);
	st = sane_read(h, buf, max, len);
	pthread_mutex_lock(&fl.lock);
	fl.bytes += *len;
	pthread_mutex_unlock(&fl.lock);
	return st;
}

static void fl_cancel(SANE_Handle h)
{
	pthread_mutex_lock(&fl.lock);
	fl.cancelled = true;
	pthread_cond_broadcast(&fl.cond);
	pthread_mutex_unlock(&fl.lock);
	sane_cancel(h);
}

static const struct scanner_sane_api fault_api = {
	.init = sane_init,
	.exit = sane_exit,
	.get_devices = sane_get_devices,
	.open = sane_open,
	.close = sane_close,
	.get_option_descriptor = sane_get_option_descriptor,
	.control_option = fl_control,
	.start = fl_start,
	.get_parameters = sane_get_parameters,
	.read = fl_read,
	.cancel = fl_cancel,
};

static void fault_reset(int jam_page, long jam_after, int stall_page)
{
	pthread_mutex_lock(&fl.lock);
	fl.sheets = -1;
	fl.round_dpi = 0;
	fl.jam_page = jam_page;
	fl.jam_after = jam_after;
	fl.stall_page = stall_page;
	fl.page = 0;
	fl.bytes = 0;
	fl.cancelled = false;
	pthread_mutex_unlock(&fl.lock);
}

/* The third sheet jams half-way: two pages kept, the job ends JAMMED, and a retry after the jam is cleared
 * goes on with the sheets left. */
static void jam_mid_page(void **state)
{
	struct rig *r = *state;
	int done;

	configure(r, NULL);
	fault_reset(2, 5000, -1);
	open_rig(r, "test", &fault_api);
	done = job(r, SCAN_SOURCE_FEEDER, 150, false);
	assert_int_equal(r->ev[done].err, KERR_JAMMED);
	assert_int_equal(r->ev[done].value, 2);
	assert_int_equal(r->ev[done].status.state, DEV_STATE_FAULT);
	assert_int_equal(r->ev[done].status.fault, KERR_JAMMED);
	assert_int_equal(count(r, DEV_EV_PAGE), 2);
	fault_reset(-1, 0, -1);
	done = job(r, SCAN_SOURCE_FEEDER, 150, false);
	assert_int_equal(r->ev[done].err, KERR_OK);
	assert_true(r->ev[done].value >= 1);
	assert_int_equal(r->ev[done].status.state, DEV_STATE_READY);
}

/* A feeder of three sheets: three pages, the job ends OK after the last; the next finds none. */
static void feeder_until_empty(void **state)
{
	struct rig *r = *state;
	int done;

	configure(r, NULL);
	fault_reset(-1, 0, -1);
	fl.sheets = 3;
	open_rig(r, "test", &fault_api);
	done = job(r, SCAN_SOURCE_FEEDER, 150, false);
	assert_int_equal(r->ev[done].err, KERR_OK);
	assert_int_equal(r->ev[done].value, 3);
	assert_int_equal(count(r, DEV_EV_PAGE), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(page_at(r, i)->index, i);
	done = job(r, SCAN_SOURCE_FEEDER, 150, false);
	assert_int_equal(r->ev[done].err, KERR_NO_DOCS);
	assert_int_equal(r->ev[done].value, 0);
	assert_int_equal(r->ev[done].status.state, DEV_STATE_READY);
	assert_int_equal(count(r, DEV_EV_PAGE), 3);
}

/* The device rounds the resolution (to 50 dpi here) and says so: the page carries what it took, read back;
 * and parameters asked for before the start are fuzzy, so only those after it are used. */
static void inexact_resolution(void **state)
{
	struct rig *r = *state;
	const struct scan_page *p;
	int done;

	configure(r, "fuzzy-parameters true\n");
	fault_reset(-1, 0, -1);
	fl.round_dpi = 50;
	open_rig(r, "test", &fault_api);
	done = job(r, SCAN_SOURCE_FLATBED, 280, false);
	assert_int_equal(r->ev[done].err, KERR_OK);
	p = page_at(r, 0);
	assert_int_equal(p->dpi, 250);
	assert_int_equal(p->width, (int)(40.0 * 250 / 25.4));
}

/* A device that stops answering: the watchdog on the kiosk's clock ends the job with TIMEOUT. */
static void stalled_device_times_out(void **state)
{
	struct rig *r = *state;
	struct scan_params p = { .source = SCAN_SOURCE_FLATBED, .dpi = 150 };
	int done;

	configure(r, NULL);
	fault_reset(-1, 0, 0);
	open_rig(r, "test", &fault_api);
	assert_int_equal(scanner_start(r->d, &p), KERR_OK);
	assert_int_equal(dev_next_deadline(r->d), 60000);
	dev_poll(r->d, 1000);
	assert_int_equal(count(r, DEV_EV_SCAN_DONE), 0);
	clock_advance(&r->clock, 60000);
	dev_poll(r->d, clock_now_ms(&r->clock));
	done = wait_for(r, DEV_EV_SCAN_DONE, 0);
	assert_true(done >= 0);
	assert_int_equal(r->ev[done].err, KERR_TIMEOUT);
	assert_int_equal(r->ev[done].status.state, DEV_STATE_FAULT);
}

/* Cancelled while a slow page comes in: the job ends CANCELLED, and the scanner is ready again. */
static void cancel_mid_page(void **state)
{
	struct rig *r = *state;
	struct scan_params p = { .source = SCAN_SOURCE_FEEDER, .dpi = 150 };
	int done;

	configure(r, "read-limit true\nread-limit-size 64\nread-delay true\nread-delay-duration 1000\n");
	open_rig(r, "test", NULL);
	assert_int_equal(scanner_start(r->d, &p), KERR_OK);
	scanner_cancel(r->d);
	done = wait_for(r, DEV_EV_SCAN_DONE, 0);
	assert_true(done >= 0);
	assert_int_equal(r->ev[done].err, KERR_CANCELLED);
	assert_int_equal(r->ev[done].status.state, DEV_STATE_READY);
	assert_true(count(r, DEV_EV_PAGE) < 10);
}

static void status_words(void **state)
{
	(void)state;
	assert_int_equal(scanner_sane_kerr(SANE_STATUS_GOOD), KERR_OK);
	assert_int_equal(scanner_sane_kerr(SANE_STATUS_JAMMED), KERR_JAMMED);
	assert_int_equal(scanner_sane_kerr(SANE_STATUS_COVER_OPEN), KERR_COVER_OPEN);
	assert_int_equal(scanner_sane_kerr(SANE_STATUS_NO_DOCS), KERR_NO_DOCS);
	assert_int_equal(scanner_sane_kerr(SANE_STATUS_IO_ERROR), KERR_IO);
	assert_int_equal(scanner_sane_kerr(SANE_STATUS_DEVICE_BUSY), KERR_BUSY);
	assert_int_equal(scanner_sane_kerr(SANE_STATUS_ACCESS_DENIED), KERR_PERM);
	assert_int_equal(scanner_sane_kerr(SANE_STATUS_NO_MEM), KERR_NOMEM);
	assert_int_equal(scanner_sane_kerr(SANE_STATUS_CANCELLED), KERR_CANCELLED);
	assert_int_equal(scanner_sane_kerr((SANE_Status)99), KERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_words),
		cmocka_unit_test_setup_teardown(flatbed_grey, setup, teardown),
		cmocka_unit_test_setup_teardown(flatbed_colour_named, setup, teardown),
		cmocka_unit_test_setup_teardown(three_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(feeder_until_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(jam, setup, teardown),
		cmocka_unit_test_setup_teardown(cover_open, setup, teardown),
		cmocka_unit_test_setup_teardown(io_error, setup, teardown),
		cmocka_unit_test_setup_teardown(no_docs_at_read, setup, teardown),
		cmocka_unit_test_setup_teardown(busy_device, setup, teardown),
		cmocka_unit_test_setup_teardown(slow_short_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(inexact_resolution, setup, teardown),
		cmocka_unit_test_setup_teardown(absent_device, setup, teardown),
		cmocka_unit_test_setup_teardown(jam_mid_page, setup, teardown),
		cmocka_unit_test_setup_teardown(stalled_device_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(cancel_mid_page, setup, teardown),
	};

	char path[128];
	int failed;

	/* SANE's test backend loses its reader's buffers (mk/lsan.supp); kept loaded past sane_exit() so that
	 * LeakSanitizer can name the library it happened in. */
	dlopen(SANE_LIBDIR "/libsane-test.so.1", RTLD_NOW | RTLD_NODELETE);
	snprintf(conf_dir, sizeof(conf_dir), "/tmp/kiosk-sane-XXXXXX");
	if (!mkdtemp(conf_dir))
		return 1;
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(path, sizeof(path), "%s/test.conf", conf_dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/dll.conf", conf_dir);
	unlink(path);
	rmdir(conf_dir);
	return failed;
}
