/* JPEG through libjpeg-turbo's memory destination, and an area-averaging thumbnail. */
#include "kiosk/scanimg.h"

#include <stdio.h> /* before jpeglib.h, which uses FILE */

#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

struct jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
};

static void on_error(j_common_ptr c)
{
	longjmp(((struct jerr *)c->err)->jump, 1);
}

static bool page_ok(const struct scan_page *p)
{
	return p && p->pixels && p->width > 0 && p->height > 0 && p->width <= 20000 && p->height <= 30000 &&
	       (p->channels == 1 || p->channels == 3);
}

enum kerr scanimg_jpeg(const struct scan_page *p, int quality, unsigned char **ret_jpeg, size_t *ret_len)
{
	struct jpeg_compress_struct c;
	struct jerr err;
	unsigned char *volatile buf = NULL;
	unsigned long len = 0;

	if (!page_ok(p))
		return KERR_INVAL;
	c.err = jpeg_std_error(&err.mgr);
	err.mgr.error_exit = on_error;
	if (setjmp(err.jump)) {
		jpeg_destroy_compress(&c);
		free(buf);
		return KERR_NOMEM;
	}
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, (unsigned char **)&buf, &len);
	c.image_width = (JDIMENSION)p->width;
	c.image_height = (JDIMENSION)p->height;
	c.input_components = p->channels;
	c.in_color_space = p->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, quality, TRUE);
	c.density_unit = 1; /* dots per inch, so the platform knows the page size */
	c.X_density = c.Y_density = (UINT16)p->dpi;
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = p->pixels + (size_t)c.next_scanline * (size_t)p->width * (size_t)p->channels;

		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	*ret_jpeg = buf;
	*ret_len = len;
	return KERR_OK;
}

enum kerr scanimg_thumb(const struct scan_page *p, int max_w, unsigned char **ret_rgba, int *ret_w, int *ret_h)
{
	int tw, th;
	unsigned char *out;

	if (!page_ok(p) || max_w <= 0)
		return KERR_INVAL;
	tw = p->width < max_w ? p->width : max_w;
	th = (int)((long)p->height * tw / p->width);
	if (th < 1)
		th = 1;
	out = malloc((size_t)tw * (size_t)th * 4);
	if (!out)
		return KERR_NOMEM;
	for (int y = 0; y < th; y++) {
		int y0 = (int)((long)y * p->height / th), y1 = (int)((long)(y + 1) * p->height / th);

		if (y1 <= y0)
			y1 = y0 + 1;
		for (int x = 0; x < tw; x++) {
			int x0 = (int)((long)x * p->width / tw), x1 = (int)((long)(x + 1) * p->width / tw);
			unsigned long sum[3] = { 0, 0, 0 }, cnt = 0;
			unsigned char *o = out + ((size_t)y * (size_t)tw + (size_t)x) * 4;

			if (x1 <= x0)
				x1 = x0 + 1;
			/* Sampling every other source pixel keeps a 300 dpi page's thumbnail cheap and still smooth. */
			for (int sy = y0; sy < y1; sy += 2) {
				const unsigned char *row = p->pixels + (size_t)sy * (size_t)p->width * (size_t)p->channels;

				for (int sx = x0; sx < x1; sx += 2) {
					const unsigned char *px = row + (size_t)sx * (size_t)p->channels;

					sum[0] += px[0];
					sum[1] += px[p->channels == 3 ? 1 : 0];
					sum[2] += px[p->channels == 3 ? 2 : 0];
					cnt++;
				}
			}
			o[0] = (unsigned char)(sum[0] / cnt);
			o[1] = (unsigned char)(sum[1] / cnt);
			o[2] = (unsigned char)(sum[2] / cnt);
			o[3] = 255;
		}
	}
	*ret_rgba = out;
	*ret_w = tw;
	*ret_h = th;
	return KERR_OK;
}
