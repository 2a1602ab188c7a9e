/* The frames are drawn, not recorded: a fixed pattern the tests can reason about (paper is light,
 * the desk is dark), encoded by the kiosk's own JPEG path so a frame is exactly what a UVC camera's
 * MJPEG decoder meets. */
#include "tests/support/camframes.h"

#include "drivers/pageproc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static void fill(struct scan_page *p, int x0, int y0, int x1, int y1, unsigned char r,
		 unsigned char g, unsigned char b)
{
	for (int y = y0 < 0 ? 0 : y0; y < y1 && y < p->height; y++)
		for (int x = x0 < 0 ? 0 : x0; x < x1 && x < p->width; x++) {
			unsigned char *o =
				p->pixels + ((size_t)y * (size_t)p->width + (size_t)x) * 3;

			o[0] = r, o[1] = g, o[2] = b;
		}
}

/* Frame i of n: the sheet slides in from the right over the first half, then lies still (a single
 * frame: still). */
static void draw(struct scan_page *p, int i, int n)
{
	int sh = p->height * 9 / 10, sw = sh * 1000 / 1414;
	int rest = (p->width - sw) / 2, settle = n / 2;
	int x = i >= settle ? rest : rest + (p->width - rest) * (settle - i) / (settle + 1),
	    y = (p->height - sh) / 2;

	fill(p, 0, 0, p->width, p->height, 58, 52, 46);
	fill(p, x, y, x + sw, y + sh, 246, 246, 240);
	fill(p, x + sw / 10, y + sh / 14, x + sw * 9 / 10, y + sh / 14 + sh / 30, 40, 70, 140);
	for (int l = 0; l < 14; l++) {
		int ly = y + sh / 6 + l * sh / 22, len = sw * (l % 3 == 2 ? 5 : 8) / 10;

		fill(p, x + sw / 10, ly, x + sw / 10 + len, ly + sh / 110 + 1, 40, 40, 45);
	}
	fill(p, x + sw * 6 / 10, y + sh * 3 / 4, x + sw * 8 / 10, y + sh * 3 / 4 + sw / 5, 200, 40,
	     40);
}

int camframes_write(const char *dir, int n, int w, int h)
{
	struct scan_page p = {.width = w, .height = h, .channels = 3, .dpi = 0};
	int rc = 0;

	if (n <= 0 || w < 64 || h < 64) {
		errno = EINVAL;
		return -1;
	}
	p.pixels = malloc((size_t)w * (size_t)h * 3);
	if (!p.pixels)
		return -1;
	for (int i = 0; i < n && rc == 0; i++) {
		unsigned char *jpeg = NULL;
		size_t len = 0;
		char path[512];
		FILE *f;

		draw(&p, i, n);
		if (pageproc_jpeg(&p, 80, 0, &jpeg, &len, NULL, NULL) != KERR_OK) {
			errno = ENOMEM;
			rc = -1;
			break;
		}
		snprintf(path, sizeof(path), "%s/frame-%02d.jpg", dir, i);
		f = fopen(path, "wb");
		if (!f || fwrite(jpeg, 1, len, f) != len)
			rc = -1;
		if (f && fclose(f) != 0)
			rc = -1;
		free(jpeg);
	}
	free(p.pixels);
	return rc;
}
