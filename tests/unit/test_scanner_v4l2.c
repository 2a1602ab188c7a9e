/* The document camera through its file frame source (no kernel modules in CI): MJPEG and YUYV frames captured on
 * request, in turn; a damaged frame; a folder without frames; a path that is no capture device; the live picture at
 * its steady rate, skipping rather than bursting, paused by a capture, and ending when the camera goes silent; and
 * the frame decoders on malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/camframe.h"
#include "drivers/pageproc.h"
#include "drivers/scanner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct rig {
	struct clock clock;
	struct dev *d;
	struct dev_event ev[16];
	int n;
	char dir[64];
};

static void post(void *ctx, const struct dev_event *ev)
{
	struct rig *r = ctx;

	assert_true(r->n < 16);
	r->ev[r->n++] = *ev;
}

static void put(const char *dir, const char *name, const void *data, size_t n)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* A 1169 x 827 grey frame (A4 landscape at 100 dpi) as MJPEG: dark left half, light right half. */
static void jpeg_frame(unsigned char **ret, size_t *len)
{
	struct scan_page p = { .width = 1169, .height = 827, .channels = 1, .dpi = 72 };

	p.pixels = malloc((size_t)p.width * p.height);
	assert_non_null(p.pixels);
	for (int y = 0; y < p.height; y++)
		for (int x = 0; x < p.width; x++)
			p.pixels[(size_t)y * p.width + x] = x < p.width / 2 ? 20 : 230;
	assert_int_equal(pageproc_jpeg(&p, 85, 0, ret, len, NULL, NULL), KERR_OK);
	free(p.pixels);
}

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	unsigned char *j, yuyv[64 * 32 * 2];
	size_t n;

	assert_non_null(r);
	clock_init_virtual(&r->clock, 0);
	snprintf(r->dir, sizeof(r->dir), "/tmp/kiosk-cam-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	jpeg_frame(&j, &n);
	put(r->dir, "a.jpg", j, n);
	free(j);
	/* Y 200, U = V = 128: a light grey 64 x 32 frame. */
	for (size_t i = 0; i < sizeof(yuyv); i += 4) {
		yuyv[i] = 200, yuyv[i + 1] = 128, yuyv[i + 2] = 200, yuyv[i + 3] = 128;
	}
	put(r->dir, "b-64x32.yuyv", yuyv, sizeof(yuyv));
	put(r->dir, "notes.txt", "not a frame", 11);
	*state = r;
	return 0;
}

static void rm(const char *dir, const char *name)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static int teardown(void **state)
{
	struct rig *r = *state;

	dev_destroy(r->d);
	for (int i = 0; i < r->n; i++)
		dev_event_finish(&r->ev[i]);
	rm(r->dir, "a.jpg");
	rm(r->dir, "b-64x32.yuyv");
	rm(r->dir, "c.jpg");
	rm(r->dir, "notes.txt");
	rmdir(r->dir);
	free(r);
	return 0;
}

static void open_cam(struct rig *r)
{
	struct dev_config cfg = { .backend = "v4l2" };
	struct dev_sink sink = { post, r };

	snprintf(cfg.path, sizeof(cfg.path), "%s", r->dir);
	assert_int_equal(scanner_open(&cfg, &sink, &r->clock, &r->d), KERR_OK);
}

static void capture(struct rig *r, bool color)
{
	struct scan_params p = { .source = SCAN_SOURCE_CAMERA, .dpi = 150, .color = color };

	assert_int_equal(scanner_start(r->d, &p), KERR_OK);
	assert_int_equal(scanner_start(r->d, &p), KERR_BUSY);
	assert_int_equal(dev_next_deadline(r->d), clock_now_ms(&r->clock));
	dev_poll(r->d, clock_now_ms(&r->clock));
}

static const struct dev_event *last(struct rig *r, enum dev_event_type t)
{
	for (int i = r->n - 1; i >= 0; i--)
		if (r->ev[i].type == t)
			return &r->ev[i];
	fail_msg("no %s event", dev_event_type_str(t));
	return NULL;
}

static void frames_in_turn(void **state)
{
	struct rig *r = *state;
	const struct scan_page *p;

	open_cam(r);
	capture(r, false);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_OK);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->value, 1);
	p = last(r, DEV_EV_PAGE)->payload;
	assert_int_equal(p->width, 1169);
	assert_int_equal(p->height, 827);
	assert_int_equal(p->channels, 1);
	assert_int_equal(p->dpi, 100); /* the long side spans A4's 11.69 inches */
	assert_true(p->pixels[10] < 50 && p->pixels[1100] > 200);
	capture(r, true);
	p = last(r, DEV_EV_PAGE)->payload;
	assert_int_equal(p->width, 64);
	assert_int_equal(p->height, 32);
	assert_int_equal(p->channels, 3);
	assert_true(abs(p->pixels[0] - 200) <= 2 && abs(p->pixels[1] - 200) <= 2);
	/* Round again: the first frame. */
	capture(r, false);
	p = last(r, DEV_EV_PAGE)->payload;
	assert_int_equal(p->width, 1169);
	assert_int_equal(dev_next_deadline(r->d), INT64_MAX);
}

/* The folder holds one frame, cut short: a camera whose stream is damaged. */
static void only_damaged_frames(struct rig *r)
{
	unsigned char *j;
	size_t n;

	jpeg_frame(&j, &n);
	rm(r->dir, "a.jpg");
	rm(r->dir, "b-64x32.yuyv");
	put(r->dir, "c.jpg", j, n / 3);
	free(j);
}

static void damaged_frame(void **state)
{
	struct rig *r = *state;

	only_damaged_frames(r);
	open_cam(r);
	capture(r, false);
	/* Passed over for the next frame, which is as damaged, until the deadline. */
	for (int i = 0; i < r->n; i++)
		assert_int_not_equal(r->ev[i].type, DEV_EV_SCAN_DONE);
	assert_int_equal(dev_next_deadline(r->d), 10);
	clock_advance(&r->clock, 5000);
	dev_poll(r->d, clock_now_ms(&r->clock));
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_PROTO);
	for (int i = 0; i < r->n; i++)
		assert_int_not_equal(r->ev[i].type, DEV_EV_PAGE);
}

static void cancel_and_no_device(void **state)
{
	struct rig *r = *state;
	struct dev_config cfg = { .backend = "v4l2" };
	struct dev_sink sink = { post, r };
	struct scan_params p = { .source = SCAN_SOURCE_CAMERA, .dpi = 150 };
	struct dev *d = NULL;

	open_cam(r);
	assert_int_equal(scanner_start(r->d, &p), KERR_OK);
	scanner_cancel(r->d);
	assert_int_equal(last(r, DEV_EV_SCAN_DONE)->err, KERR_CANCELLED);
	/* Not a capture device; a folder with no frames; no path at all. */
	snprintf(cfg.path, sizeof(cfg.path), "/dev/null");
	assert_int_equal(scanner_open(&cfg, &sink, &r->clock, &d), KERR_NO_DEVICE);
	snprintf(cfg.path, sizeof(cfg.path), "/dev/video-none");
	assert_int_equal(scanner_open(&cfg, &sink, &r->clock, &d), KERR_NO_DEVICE);
	rm(r->dir, "a.jpg");
	rm(r->dir, "b-64x32.yuyv");
	snprintf(cfg.path, sizeof(cfg.path), "%s", r->dir);
	assert_int_equal(scanner_open(&cfg, &sink, &r->clock, &d), KERR_NO_DEVICE);
	cfg.path[0] = 0;
	assert_int_equal(scanner_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
	assert_null(d);
}

static void decoder_malformed(void **state)
{
	static const unsigned char soi[] = { 0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43, 0x00 };
	unsigned char yuyv[16] = { 0 };
	struct scan_page *p = NULL;

	(void)state;
	assert_int_equal(camframe_decode(CAMFRAME_MJPEG, soi, sizeof(soi), 0, 0, false, 100, &p), KERR_PROTO);
	assert_int_equal(camframe_decode(CAMFRAME_MJPEG, yuyv, 2, 0, 0, false, 100, &p), KERR_INVAL);
	assert_int_equal(camframe_decode(CAMFRAME_MJPEG, yuyv, sizeof(yuyv), 0, 0, false, 100, &p), KERR_PROTO);
	assert_int_equal(camframe_decode(CAMFRAME_YUYV, yuyv, sizeof(yuyv), 4, 4, false, 100, &p), KERR_INVAL);
	assert_int_equal(camframe_decode(CAMFRAME_YUYV, yuyv, sizeof(yuyv), 3, 2, false, 100, &p), KERR_INVAL);
	assert_int_equal(camframe_decode(CAMFRAME_YUYV, yuyv, sizeof(yuyv), 4, 2, false, 100, &p), KERR_OK);
	assert_int_equal(p->width, 4);
	scan_page_free(p);
	assert_int_equal(camframe_decode(CAMFRAME__COUNT, yuyv, sizeof(yuyv), 4, 2, false, 100, &p), KERR_INVAL);
	assert_string_equal(camframe_format_str(CAMFRAME_YUYV), "YUYV");
}

/* Finishes and forgets the events so far; returns how many were live pictures. */
static int drain(struct rig *r)
{
	int previews = 0;

	for (int i = 0; i < r->n; i++) {
		if (r->ev[i].type == DEV_EV_PREVIEW) {
			const struct scan_page *p = r->ev[i].payload;

			assert_int_equal(r->ev[i].err, KERR_OK);
			assert_non_null(p);
			assert_int_equal(p->channels, 3);
			assert_true(p->width <= 320 && p->width > 0 && p->height > 0);
			previews++;
		}
		dev_event_finish(&r->ev[i]);
	}
	r->n = 0;
	return previews;
}

static void step(struct rig *r, int ms)
{
	clock_advance(&r->clock, ms);
	if (dev_next_deadline(r->d) <= clock_now_ms(&r->clock))
		dev_poll(r->d, clock_now_ms(&r->clock));
}

static void preview_steady(void **state)
{
	struct rig *r = *state;
	const struct scan_preview pv = { .interval_ms = 100, .max_w = 320 };
	struct scan_params p = { .source = SCAN_SOURCE_CAMERA, .dpi = 150 };
	int n = 0;

	open_cam(r);
	assert_int_equal(scanner_preview(r->d, &pv), KERR_OK);
	assert_int_equal(dev_next_deadline(r->d), 0);
	/* One second in 10 ms steps: a picture at 10 ms, then every 100 ms on the dot. */
	for (int i = 0; i < 100; i++) {
		step(r, 10);
		n += drain(r);
	}
	assert_int_equal(n, 11);
	assert_int_equal(dev_next_deadline(r->d), 1100);
	/* The loop was away for 450 ms: one picture now, the next one interval on, no burst of the missed ones. */
	step(r, 450);
	assert_int_equal(drain(r), 1);
	assert_int_equal(dev_next_deadline(r->d), 1550);
	/* A capture takes the camera: the page first, then the picture carries on. */
	assert_int_equal(scanner_start(r->d, &p), KERR_OK);
	assert_int_equal(dev_next_deadline(r->d), 1450);
	dev_poll(r->d, 1450);
	{
		int page = -1, done = -1, picture = -1;

		for (int i = 0; i < r->n; i++) {
			if (r->ev[i].type == DEV_EV_PAGE)
				page = i;
			if (r->ev[i].type == DEV_EV_SCAN_DONE)
				done = i;
			if (r->ev[i].type == DEV_EV_PREVIEW && picture < 0)
				picture = i;
		}
		assert_true(page >= 0 && done > page && (picture < 0 || picture > done));
	}
	drain(r);
	/* Off: nothing more. */
	assert_int_equal(scanner_preview(r->d, NULL), KERR_OK);
	assert_int_equal(dev_next_deadline(r->d), INT64_MAX);
	step(r, 1000);
	assert_int_equal(r->n, 0);
}

static void preview_silent_camera(void **state)
{
	struct rig *r = *state;
	const struct scan_preview pv = { .interval_ms = 100, .max_w = 320 };

	only_damaged_frames(r);
	open_cam(r);
	assert_int_equal(scanner_preview(r->d, &pv), KERR_OK);
	for (int i = 0; i < 499; i++)
		step(r, 10);
	assert_int_equal(r->n, 0);
	step(r, 20);
	assert_int_equal(r->n, 2);
	assert_int_equal(last(r, DEV_EV_PREVIEW)->err, KERR_TIMEOUT);
	assert_null(last(r, DEV_EV_PREVIEW)->payload);
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_FAULT);
	assert_int_equal(dev_next_deadline(r->d), INT64_MAX);
	for (int i = 0; i < r->n; i++)
		dev_event_finish(&r->ev[i]);
	r->n = 0;
	/* Asked again (the resident came back to the screen): it tries again, and says it is ready. */
	assert_int_equal(scanner_preview(r->d, &pv), KERR_OK);
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_READY);
}

static void preview_refused(void **state)
{
	struct rig *r = *state;
	struct dev_config cfg = { .backend = "sim" };
	struct dev_sink sink = { post, r };
	struct scan_preview pv = { .interval_ms = 100, .max_w = 320 };
	struct dev *d = NULL;

	assert_int_equal(scanner_open(&cfg, &sink, &r->clock, &d), KERR_OK);
	assert_int_equal(scanner_preview(d, &pv), KERR_UNSUPPORTED);
	assert_int_equal(scanner_preview(d, NULL), KERR_OK);
	dev_destroy(d);
	open_cam(r);
	pv.interval_ms = 10;
	assert_int_equal(scanner_preview(r->d, &pv), KERR_INVAL);
	pv = (struct scan_preview){ .interval_ms = 100, .max_w = 32 };
	assert_int_equal(scanner_preview(r->d, &pv), KERR_INVAL);
	assert_int_equal(dev_next_deadline(r->d), INT64_MAX);
}

static void preview_decoder(void **state)
{
	static const unsigned char soi[] = { 0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43, 0x00 };
	unsigned char yuyv[64 * 32 * 2], *j;
	struct scan_page *p = NULL;
	size_t n;

	(void)state;
	memset(yuyv, 128, sizeof(yuyv));
	assert_int_equal(camframe_preview(CAMFRAME_MJPEG, soi, sizeof(soi), 0, 0, 320, &p), KERR_PROTO);
	assert_int_equal(camframe_preview(CAMFRAME_MJPEG, soi, sizeof(soi), 0, 0, 8, &p), KERR_INVAL);
	assert_int_equal(camframe_preview(CAMFRAME_YUYV, yuyv, 100, 64, 32, 320, &p), KERR_INVAL);
	assert_int_equal(camframe_preview(CAMFRAME__COUNT, yuyv, sizeof(yuyv), 64, 32, 320, &p), KERR_INVAL);
	assert_null(p);
	/* YUYV is shrunk to the width asked; MJPEG is decoded at 2/8 scale, under it. */
	assert_int_equal(camframe_preview(CAMFRAME_YUYV, yuyv, sizeof(yuyv), 64, 32, 16, &p), KERR_OK);
	assert_int_equal(p->width, 16);
	assert_int_equal(p->height, 8);
	assert_int_equal(p->channels, 3);
	scan_page_free(p);
	jpeg_frame(&j, &n);
	assert_int_equal(camframe_preview(CAMFRAME_MJPEG, j, n, 0, 0, 320, &p), KERR_OK);
	assert_int_equal(p->width, 293);
	assert_int_equal(p->height, 207);
	assert_true(p->pixels[10 * 3] < 50 && p->pixels[280 * 3] > 200);
	scan_page_free(p);
	/* Cut short: refused, not shown half grey. */
	assert_int_equal(camframe_preview(CAMFRAME_MJPEG, j, n / 2, 0, 0, 320, &p), KERR_PROTO);
	free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(frames_in_turn, setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(cancel_and_no_device, setup, teardown),
		cmocka_unit_test(decoder_malformed),
		cmocka_unit_test_setup_teardown(preview_steady, setup, teardown),
		cmocka_unit_test_setup_teardown(preview_silent_camera, setup, teardown),
		cmocka_unit_test_setup_teardown(preview_refused, setup, teardown),
		cmocka_unit_test(preview_decoder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
