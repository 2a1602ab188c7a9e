/* JPEG through libjpeg-turbo's memory destination and source (a size cap met by quality, then by scale), and
 * an area-averaging thumbnail. */
#include "drivers/pageproc.h"

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

static enum kerr encode(const struct scan_page *p, int quality, unsigned char **ret_jpeg, size_t *ret_len)
{
	struct jpeg_compress_struct c;
	struct jerr err;
	unsigned char *volatile buf = NULL;
	unsigned long len = 0;

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

enum kerr pageproc_thumb(const struct scan_page *p, int max_w, unsigned char **ret_rgba, int *ret_w,
			 int *ret_h)
{
	int tw, th;
	unsigned char *out;

	if (!pageproc_page_ok(p) || max_w <= 0)
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

/* p scaled by num/den with box averaging (each output pixel the mean of the source pixels it covers). */
static struct scan_page *scaled(const struct scan_page *p, int num, int den)
{
	struct scan_page *o = calloc(1, sizeof(*o));
	int ch = p->channels;

	if (!o)
		return NULL;
	*o = *p;
	o->width = (int)((long)p->width * num / den);
	o->height = (int)((long)p->height * num / den);
	o->dpi = p->dpi * num / den;
	if (o->width < 1 || o->height < 1 ||
	    !(o->pixels = malloc((size_t)o->width * (size_t)o->height * (size_t)ch))) {
		free(o);
		return NULL;
	}
	for (int y = 0; y < o->height; y++) {
		int y0 = (int)((long)y * den / num), y1 = (int)((long)(y + 1) * den / num);

		if (y1 > p->height)
			y1 = p->height;
		for (int x = 0; x < o->width; x++) {
			int x0 = (int)((long)x * den / num), x1 = (int)((long)(x + 1) * den / num);
			unsigned sum[3] = { 0, 0, 0 }, n = 0;

			if (x1 > p->width)
				x1 = p->width;
			for (int sy = y0; sy < y1; sy++) {
				const unsigned char *s = p->pixels + ((size_t)sy * (size_t)p->width + (size_t)x0) * (size_t)ch;

				for (int sx = x0; sx < x1; sx++, n++)
					for (int k = 0; k < ch; k++)
						sum[k] += *s++;
			}
			for (int k = 0; k < ch; k++)
				o->pixels[((size_t)y * (size_t)o->width + (size_t)x) * (size_t)ch + (size_t)k] =
					(unsigned char)(n ? sum[k] / n : 255);
		}
	}
	return o;
}

enum kerr pageproc_jpeg(const struct scan_page *p, int quality, size_t cap, unsigned char **ret_jpeg,
			size_t *ret_len, int *ret_quality, int *ret_scale_pct)
{
	struct scan_page *small = NULL;
	const struct scan_page *cur = p;
	int q = quality, pct = 100;
	unsigned char *jpeg = NULL;
	size_t len = 0;
	enum kerr e;

	if (!pageproc_page_ok(p) || quality < 30 || quality > 95)
		return KERR_INVAL;
	for (;;) {
		e = encode(cur, q, &jpeg, &len);
		if (e != KERR_OK)
			break;
		if (!cap || len <= cap) {
			*ret_jpeg = jpeg;
			*ret_len = len;
			if (ret_quality)
				*ret_quality = q;
			if (ret_scale_pct)
				*ret_scale_pct = pct;
			break;
		}
		free(jpeg);
		jpeg = NULL;
		if (q > 40) {
			/* Quality first: text stays sharp down to about 40, and the page keeps its size. */
			q = q - 10 < 40 ? 40 : q - 10;
			continue;
		}
		pct = pct * 3 / 4;
		if ((long)p->width * pct / 100 < 400) {
			e = KERR_FULL;
			break;
		}
		scan_page_free(small);
		small = scaled(p, pct, 100);
		if (!small) {
			e = KERR_NOMEM;
			break;
		}
		cur = small;
	}
	scan_page_free(small);
	return e;
}

static void no_output(j_common_ptr c)
{
	(void)c; /* a damaged file is an error returned, not a line on stderr */
}

enum kerr pageproc_jpeg_info(const unsigned char *jpeg, size_t len, int *ret_w, int *ret_h, int *ret_comp,
			     int *ret_dpi)
{
	struct jpeg_decompress_struct d;
	struct jerr err;
	int dpi;

	if (!jpeg || len < 4 || len > (1u << 30) || jpeg[0] != 0xff || jpeg[1] != 0xd8)
		return KERR_INVAL;
	d.err = jpeg_std_error(&err.mgr);
	err.mgr.error_exit = on_error;
	err.mgr.output_message = no_output;
	if (setjmp(err.jump)) {
		jpeg_destroy_decompress(&d);
		return KERR_INVAL;
	}
	jpeg_create_decompress(&d);
	jpeg_mem_src(&d, jpeg, (unsigned long)len);
	if (jpeg_read_header(&d, TRUE) != JPEG_HEADER_OK || d.image_width == 0 || d.image_height == 0) {
		jpeg_destroy_decompress(&d);
		return KERR_INVAL;
	}
	dpi = 0;
	if (d.saw_JFIF_marker && d.density_unit == 1 && d.X_density == d.Y_density)
		dpi = d.X_density;
	else if (d.saw_JFIF_marker && d.density_unit == 2 && d.X_density == d.Y_density)
		dpi = (int)(d.X_density * 254 / 100);
	*ret_w = (int)d.image_width;
	*ret_h = (int)d.image_height;
	*ret_comp = d.num_components;
	*ret_dpi = dpi;
	jpeg_destroy_decompress(&d);
	return KERR_OK;
}
