/* Processing time of one scanned A4 page at 300 dpi (deskew, crop, JPEG under the size cap, thumbnail) against
 * a baseline in the same run: the same page only compressed to JPEG. And a document camera's live picture: one
 * 5-megapixel MJPEG frame decoded for the screen against the full decode a capture does. Medians of several runs;
 * nothing asserted. */
#include "drivers/camframe.h"
#include "drivers/pageproc.h"
#include "drivers/scanner.h"
#include "drivers/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RUNS 7

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void take(void *ctx, const struct dev_event *ev)
{
	struct scan_page **ret = ctx;

	if (ev->type == DEV_EV_PAGE && !*ret)
		*ret = ev->payload;
	else if (ev->payload && ev->payload_free)
		ev->payload_free(ev->payload);
}

/* A 2592x1944 colour frame of noise-free stripes: what a 5-megapixel document camera sends as MJPEG. */
static int bench_preview(void)
{
	struct scan_page frame = { .width = 2592, .height = 1944, .channels = 3 };
	double pre[RUNS], full[RUNS];
	unsigned char *jpeg;
	size_t len;

	frame.pixels = malloc((size_t)frame.width * frame.height * 3);
	if (!frame.pixels)
		return 1;
	for (size_t i = 0; i < (size_t)frame.width * frame.height * 3; i++)
		frame.pixels[i] = (unsigned char)((i / 3 % (size_t)frame.width) / 40 % 2 ? 230 : 40);
	if (pageproc_jpeg(&frame, 85, 0, &jpeg, &len, NULL, NULL) != KERR_OK)
		return 1;
	free(frame.pixels);
	for (int i = 0; i < RUNS; i++) {
		struct scan_page *p = NULL;
		double t0 = now_ms();

		if (camframe_preview(CAMFRAME_MJPEG, jpeg, len, 0, 0, 640, &p) != KERR_OK)
			return 1;
		pre[i] = now_ms() - t0;
		scan_page_free(p);
		t0 = now_ms();
		if (camframe_decode(CAMFRAME_MJPEG, jpeg, len, 0, 0, true, 300, &p) != KERR_OK)
			return 1;
		full[i] = now_ms() - t0;
		scan_page_free(p);
	}
	free(jpeg);
	qsort(pre, RUNS, sizeof(pre[0]), cmp);
	qsort(full, RUNS, sizeof(full[0]), cmp);
	printf("camera frame, MJPEG 2592x1944 (%zu KiB), median of %d:\n", len / 1024, RUNS);
	printf("  live picture (<= 640 wide) %.1f ms, full decode %.1f ms, ratio %.2f   (budget: 100 ms a picture)\n",
	       pre[RUNS / 2], full[RUNS / 2], pre[RUNS / 2] / full[RUNS / 2]);
	return 0;
}

int main(void)
{
	struct dev_config cfg = { .backend = "sim" };
	struct scan_params sp = { .source = SCAN_SOURCE_FLATBED, .dpi = 300 };
	struct scan_page *page = NULL, *skewed;
	struct dev_sink sink = { take, &page };
	struct clock clock;
	struct dev *d;
	double full[RUNS], base[RUNS];

	clock_init_virtual(&clock, 0);
	if (scanner_sim_open(&cfg, &sink, &clock, &d) != KERR_OK || scanner_start(d, &sp) != KERR_OK)
		return 1;
	dev_poll(d, 0);
	dev_destroy(d);
	/* As a sheet lies on a real bed: 2 degrees off, with the bed's grey in the corners. */
	if (!page || pageproc_rotate(page, -2, 40, &skewed) != KERR_OK)
		return 1;
	for (int i = 0; i < RUNS; i++) {
		struct scan_page *clean = NULL;
		unsigned char *jpeg, *thumb;
		size_t len;
		int tw, th;
		double t0 = now_ms();

		if (pageproc_jpeg(skewed, 80, 0, &jpeg, &len, NULL, NULL) != KERR_OK)
			return 1;
		base[i] = now_ms() - t0;
		free(jpeg);
		t0 = now_ms();
		if (pageproc_clean(skewed, &clean, NULL) != KERR_OK ||
		    pageproc_jpeg(clean ? clean : skewed, 80, 1024 * 1024, &jpeg, &len, NULL, NULL) != KERR_OK ||
		    pageproc_thumb(clean ? clean : skewed, 320, &thumb, &tw, &th) != KERR_OK)
			return 1;
		full[i] = now_ms() - t0;
		free(jpeg);
		free(thumb);
		scan_page_free(clean);
	}
	qsort(full, RUNS, sizeof(full[0]), cmp);
	qsort(base, RUNS, sizeof(base[0]), cmp);
	printf("scanned page, A4 grey at 300 dpi (%dx%d), median of %d:\n", skewed->width, skewed->height, RUNS);
	printf("  deskew + crop + JPEG + thumbnail %.1f ms, JPEG alone %.1f ms, ratio %.2f   (target: within 250 ms)\n",
	       full[RUNS / 2], base[RUNS / 2], full[RUNS / 2] / base[RUNS / 2]);
	scan_page_free(skewed);
	scan_page_free(page);
	return bench_preview();
}
