/* Page processing: skew found on sample pages the test draws itself, deskew and crop against golden images
 * (tests/golden/pageproc_*.png; a missing one is created, a mismatch writes *_err.png, UPDATE_GOLDEN=1
 * refreshes), JPEG under a size cap, malformed JPEG headers, PDF bundles, and memory over 50 scanned pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/pageproc.h"
#include "drivers/scanner.h"
#include "kiosk/session.h"

#include <malloc.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BED 40	    /* the scanner bed's grey around a small sheet */
#define PAPER 245

/* A form: a heading band, lines of word-bars, a box; w x h at 100 dpi is about A5. */
static unsigned char doc_at(int x, int y, int w, int h)
{
	int m = w / 12;

	if (x < m || x >= w - m || y < m || y >= h - m)
		return PAPER;
	if (y < m + h / 20)
		return x < w / 2 ? 60 : PAPER;
	if (y > h * 3 / 4 && y < h * 3 / 4 + 3 && x < w * 2 / 3)
		return 30;
	{
		int pitch = h / 30, line = (y - m) / pitch, in = (y - m) % pitch;
		int word = (x * 7 + line * 13) / (w / 9) % 5;

		if (in < pitch / 3 && word != 0 && line % 6 != 5)
			return 30;
	}
	return PAPER;
}

/* The document turned by deg and laid on a bed (bed < 0: on white, filling the scan). */
static struct scan_page *sample(int w, int h, double deg, int canvas_w, int canvas_h, int bed)
{
	struct scan_page *p = calloc(1, sizeof(*p));
	double c = cos(deg * M_PI / 180), s = sin(deg * M_PI / 180);

	assert_non_null(p);
	p->width = canvas_w;
	p->height = canvas_h;
	p->channels = 1;
	p->dpi = 100;
	p->pixels = malloc((size_t)canvas_w * canvas_h);
	assert_non_null(p->pixels);
	for (int y = 0; y < canvas_h; y++)
		for (int x = 0; x < canvas_w; x++) {
			/* Canvas point to document point: the inverse turn about both centres. */
			double dx = x - canvas_w / 2.0, dy = y - canvas_h / 2.0;
			int u = (int)lround(dx * c + dy * s + w / 2.0);
			int v = (int)lround(-dx * s + dy * c + h / 2.0);
			unsigned char g = u >= 0 && v >= 0 && u < w && v < h ? doc_at(u, v, w, h)
									     : (unsigned char)(bed < 0 ? PAPER : bed);

			p->pixels[(size_t)y * canvas_w + x] = g;
		}
	return p;
}

static bool updating(void)
{
	const char *u = getenv("UPDATE_GOLDEN");

	return u && *u && strcmp(u, "0") != 0;
}

static void write_png(const char *path, const struct scan_page *p)
{
	FILE *f = fopen(path, "wb");
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);

	assert_non_null(f);
	if (setjmp(png_jmpbuf(png)))
		fail_msg("writing %s", path);
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)p->width, (png_uint_32)p->height, 8,
		     p->channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < p->height; y++)
		png_write_row(png, p->pixels + (size_t)y * p->width * p->channels);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	fclose(f);
}

/* A grey PNG into a page, or NULL when there is none. */
static struct scan_page *read_png(const char *path)
{
	png_image img;
	struct scan_page *p;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path))
		return NULL;
	img.format = PNG_FORMAT_GRAY;
	p = calloc(1, sizeof(*p));
	assert_non_null(p);
	p->width = (int)img.width;
	p->height = (int)img.height;
	p->channels = 1;
	p->pixels = malloc(PNG_IMAGE_SIZE(img));
	assert_non_null(p->pixels);
	assert_true(png_image_finish_read(&img, NULL, p->pixels, 0, NULL));
	return p;
}

/* Same size, and a mean difference under 2 grey levels (libm's rounding may differ by a level here and
 * there). */
static void golden(const char *name, const struct scan_page *got)
{
	char path[512], err[512];
	struct scan_page *want;
	double diff = 0;

	snprintf(path, sizeof(path), "%s/tests/golden/%s.png", SRCDIR, name);
	snprintf(err, sizeof(err), "%s/tests/golden/%s_err.png", SRCDIR, name);
	want = updating() ? NULL : read_png(path);
	if (!want) {
		write_png(path, got);
		return;
	}
	if (want->width == got->width && want->height == got->height) {
		for (size_t i = 0; i < (size_t)got->width * got->height; i++)
			diff += abs(want->pixels[i] - got->pixels[i]);
		diff /= (double)got->width * got->height;
	} else {
		diff = 255;
	}
	scan_page_free(want);
	if (diff >= 2) {
		write_png(err, got);
		fail_msg("%s differs from its golden (mean %.2f); see %s", name, diff, err);
	}
	remove(err);
}

static void skew_found(void **state)
{
	static const double angles[] = { -4, -1.5, 0, 2, 7 };

	(void)state;
	for (size_t i = 0; i < sizeof(angles) / sizeof(angles[0]); i++) {
		struct scan_page *p = sample(580, 820, angles[i], 640, 880, -1);
		double got;

		assert_int_equal(pageproc_skew(p, &got), KERR_OK);
		if (fabs(got - angles[i]) > 0.2)
			fail_msg("skew %.2f found as %.2f", angles[i], got);
		scan_page_free(p);
	}
}

/* A sheet laid 3 degrees off on a dark bed: turned straight, then cut out. */
static void deskew_and_crop(void **state)
{
	struct scan_page *p = sample(580, 820, 3, 800, 1000, BED), *turned, *out = NULL;
	struct pageproc_info info;

	(void)state;
	assert_int_equal(pageproc_rotate(p, 3, BED, &turned), KERR_OK);
	golden("pageproc_deskew", turned);
	scan_page_free(turned);
	assert_int_equal(pageproc_clean(p, &out, &info), KERR_OK);
	assert_non_null(out);
	assert_true(info.deskewed && info.cropped);
	assert_true(fabs(info.skew_deg - 3) < 0.2);
	/* The sheet is 580 x 820: the crop keeps it, less its edge. */
	assert_true(abs(out->width - 580) < 20 && abs(out->height - 820) < 20);
	golden("pageproc_crop", out);
	{
		/* No bed left in the corners. */
		unsigned char c = out->pixels[(size_t)3 * out->width + 3];

		assert_true(c > 200);
	}
	scan_page_free(out);
	scan_page_free(p);
}

/* Under a document camera an upright sheet fills the height of a 4:3 frame but less than half its width: still
 * cut out. */
static void camera_frame_cropped(void **state)
{
	struct scan_page *p = sample(560, 800, 0, 1200, 900, BED), *out = NULL;
	struct pageproc_info info;

	(void)state;
	assert_int_equal(pageproc_clean(p, &out, &info), KERR_OK);
	assert_non_null(out);
	assert_true(info.cropped);
	assert_true(abs(out->width - 560) < 20 && abs(out->height - 800) < 20);
	scan_page_free(out);
	scan_page_free(p);
}

/* A straight page filling the scan needs nothing. */
static void straight_page_untouched(void **state)
{
	struct scan_page *p = sample(600, 840, 0, 600, 840, -1), *out = (void *)1;
	struct pageproc_info info;

	(void)state;
	assert_int_equal(pageproc_clean(p, &out, &info), KERR_OK);
	assert_null(out);
	assert_false(info.deskewed || info.cropped);
	scan_page_free(p);
}

static void bad_pages(void **state)
{
	struct scan_page p = { .width = 10, .height = 10, .channels = 2 };
	unsigned char px[300];
	struct scan_page *out;
	unsigned char *j;
	size_t n;
	double d;

	(void)state;
	p.pixels = px;
	assert_int_equal(pageproc_clean(&p, &out, NULL), KERR_INVAL);
	assert_int_equal(pageproc_skew(NULL, &d), KERR_INVAL);
	assert_int_equal(pageproc_jpeg(&p, 80, 0, &j, &n, NULL, NULL), KERR_INVAL);
	p.channels = 1;
	assert_int_equal(pageproc_jpeg(&p, 20, 0, &j, &n, NULL, NULL), KERR_INVAL);
	assert_int_equal(pageproc_rotate(&p, 60, 0, &out), KERR_INVAL);
	/* A page too small to shrink is no error: no skew. */
	memset(px, 255, sizeof(px));
	assert_int_equal(pageproc_skew(&p, &d), KERR_OK);
	assert_true(d == 0);
}

static struct scan_page *noise(int w, int h)
{
	struct scan_page *p = sample(w, h, 0, w, h, -1);
	uint32_t x = 12345;

	for (size_t i = 0; i < (size_t)w * h; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		p->pixels[i] = (unsigned char)(p->pixels[i] / 2 + (x & 127));
	}
	return p;
}

static void jpeg_under_cap(void **state)
{
	struct scan_page *p = noise(1200, 1600);
	unsigned char *j;
	size_t n, free_n;
	int q, pct, w, h, comp, dpi;

	(void)state;
	assert_int_equal(pageproc_jpeg(p, 80, 0, &j, &free_n, &q, &pct), KERR_OK);
	assert_int_equal(q, 80);
	free(j);
	assert_int_equal(pageproc_jpeg(p, 80, free_n * 2 / 3, &j, &n, &q, &pct), KERR_OK);
	assert_true(n <= free_n * 2 / 3);
	assert_true(q < 80);
	assert_int_equal(pct, 100);
	free(j);
	assert_int_equal(pageproc_jpeg(p, 80, 150 * 1024, &j, &n, &q, &pct), KERR_OK);
	assert_true(n <= 150 * 1024);
	assert_int_equal(q, 40);
	assert_true(pct < 100);
	assert_int_equal(pageproc_jpeg_info(j, n, &w, &h, &comp, &dpi), KERR_OK);
	assert_int_equal(w, 1200 * pct / 100);
	assert_int_equal(comp, 1);
	assert_int_equal(dpi, 100 * pct / 100);
	free(j);
	assert_int_equal(pageproc_jpeg(p, 80, 2000, &j, &n, &q, &pct), KERR_FULL);
	scan_page_free(p);
}

static void jpeg_info_malformed(void **state)
{
	struct scan_page *p = sample(200, 300, 0, 200, 300, -1);
	static const unsigned char junk[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F' };
	unsigned char *j, *bad;
	size_t n;
	int w, h, c, d;

	(void)state;
	assert_int_equal(pageproc_jpeg(p, 80, 0, &j, &n, NULL, NULL), KERR_OK);
	assert_int_equal(pageproc_jpeg_info(j, n, &w, &h, &c, &d), KERR_OK);
	assert_int_equal(w, 200);
	assert_int_equal(h, 300);
	assert_int_equal(d, 100);
	assert_int_equal(pageproc_jpeg_info(NULL, 0, &w, &h, &c, &d), KERR_INVAL);
	assert_int_equal(pageproc_jpeg_info(j, 3, &w, &h, &c, &d), KERR_INVAL);
	assert_int_equal(pageproc_jpeg_info(junk, sizeof(junk), &w, &h, &c, &d), KERR_INVAL);
	assert_int_equal(pageproc_jpeg_info((const unsigned char *)"GIF89a", 6, &w, &h, &c, &d), KERR_INVAL);
	/* Truncated inside the header. */
	assert_int_equal(pageproc_jpeg_info(j, 40, &w, &h, &c, &d), KERR_INVAL);
	/* Every byte of the header flipped in turn: an error or a size, never a crash. */
	bad = malloc(n);
	assert_non_null(bad);
	for (size_t i = 2; i < 400 && i < n; i++) {
		memcpy(bad, j, n);
		bad[i] ^= 0xff;
		(void)pageproc_jpeg_info(bad, n, &w, &h, &c, &d);
	}
	free(bad);
	free(j);
	scan_page_free(p);
}

static size_t count(const unsigned char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), c = 0;

	for (size_t i = 0; i + k <= n; i++)
		c += memcmp(hay + i, needle, k) == 0;
	return c;
}

static void pdf_bundle(void **state)
{
	unsigned char *j[3], *pdf;
	size_t n[3], len;
	const unsigned char *cj[3];

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct scan_page *p = sample(300 + 50 * i, 420, 0, 300 + 50 * i, 420, -1);

		assert_int_equal(pageproc_jpeg(p, 70, 0, &j[i], &n[i], NULL, NULL), KERR_OK);
		cj[i] = j[i];
		scan_page_free(p);
	}
	assert_int_equal(pageproc_pdf(cj, n, 3, &pdf, &len), KERR_OK);
	assert_memory_equal(pdf, "%PDF-", 5);
	assert_int_equal(count(pdf, len, "/DCTDecode"), 3);
	assert_int_equal(count(pdf, len, "/Type /Page\n") + count(pdf, len, "/Type /Page "), 3);
	free(pdf);
	assert_int_equal(pageproc_pdf(cj, n, 0, &pdf, &len), KERR_INVAL);
	n[1] = 10;
	assert_int_equal(pageproc_pdf(cj, n, 3, &pdf, &len), KERR_INVAL);
	for (int i = 0; i < 3; i++)
		free(j[i]);
}

static void thumb_size(void **state)
{
	struct scan_page *p = sample(1240, 1754, 0, 1240, 1754, -1);
	unsigned char *t;
	int w, h;

	(void)state;
	assert_int_equal(pageproc_thumb(p, 320, &t, &w, &h), KERR_OK);
	assert_int_equal(w, 320);
	assert_int_equal(h, 452);
	assert_int_equal(t[3], 255);
	free(t);
	scan_page_free(p);
}

/* ---- 50 pages from the simulated feeder into a session ---- */

struct got {
	struct dev_event ev[64];
	int n;
};

static void post(void *ctx, const struct dev_event *ev)
{
	struct got *g = ctx;

	assert_true(g->n < 64);
	g->ev[g->n++] = *ev;
}

/* Every page is processed as the kiosk does and kept; the heap holds what the session keeps and one page in
 * flight, no more, and session_clear() gives it all back (LeakSanitizer checks the rest). */
static void fifty_pages_bounded(void **state)
{
	struct got *g = calloc(1, sizeof(*g));
	struct session *s = calloc(1, sizeof(*s));
	struct dev_config cfg = { .backend = "sim", .latency_ms = 100 };
	struct dev_sink sink = { post, g };
	struct scan_params sp = { .source = SCAN_SOURCE_FEEDER, .dpi = 150 };
	struct clock clock;
	struct dev *d;
	size_t kept = 0, cap = 200 * 1024;
	size_t base = mallinfo2().uordblks, peak = 0;
	int pages = 0;

	(void)state;
	assert_non_null(g);
	assert_non_null(s);
	session_init(s);
	clock_init_virtual(&clock, 0);
	assert_int_equal(scanner_open(&cfg, &sink, &clock, &d), KERR_OK);
	assert_int_equal(dev_control(d, "feed 50"), KERR_OK);
	assert_int_equal(scanner_start(d, &sp), KERR_OK);
	/* One page per poll, as the kiosk takes them off its event queue one by one. */
	for (int guard = 0; guard < 200 && pages < 50; guard++) {
		clock_advance(&clock, 100);
		dev_poll(d, clock_now_ms(&clock));
		for (int i = 0; i < g->n; i++) {
			struct dev_event *ev = &g->ev[i];

			if (ev->type == DEV_EV_PAGE) {
				const struct scan_page *p = ev->payload;
				struct scan_page *clean = NULL;
				unsigned char *jpeg, *thumb;
				size_t len, used;
				int tw, th;

				assert_int_equal(pageproc_clean(p, &clean, NULL), KERR_OK);
				assert_int_equal(pageproc_jpeg(clean ? clean : p, 80, cap, &jpeg, &len, NULL, NULL),
						 KERR_OK);
				assert_int_equal(pageproc_thumb(clean ? clean : p, 320, &thumb, &tw, &th), KERR_OK);
				scan_page_free(clean);
				assert_true(len <= cap);
				kept += len + (size_t)tw * th * 4;
				assert_int_equal(session_page_add(&s->mats[pages / SESSION_MAX_PAGES], jpeg, len, thumb,
								  tw, th, (uint64_t)pages + 1),
						 KERR_OK);
				pages++;
				used = mallinfo2().uordblks;
				if (used > peak)
					peak = used;
			}
			dev_event_finish(ev);
		}
		g->n = 0;
	}
	assert_int_equal(pages, 50);
	/* What is kept plus a few raw pages (1240 x 1754 grey, 2.1 MiB each) and slack; under a sanitizer the
	 * allocator does not report, and the leak check stands in. */
	if (peak > base)
		assert_true(peak - base < kept + 4 * 2200000 + (1u << 20));
	session_clear(s);
	if (mallinfo2().uordblks > base)
		assert_true(mallinfo2().uordblks - base < (1u << 20));
	dev_destroy(d);
	free(s);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(skew_found),
		cmocka_unit_test(deskew_and_crop),
		cmocka_unit_test(camera_frame_cropped),
		cmocka_unit_test(straight_page_untouched),
		cmocka_unit_test(bad_pages),
		cmocka_unit_test(jpeg_under_cap),
		cmocka_unit_test(jpeg_info_malformed),
		cmocka_unit_test(pdf_bundle),
		cmocka_unit_test(thumb_size),
		cmocka_unit_test(fifty_pages_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
