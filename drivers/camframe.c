/* Frame decoding for document cameras: MJPEG through libjpeg-turbo (which supplies the standard Huffman tables
 * UVC cameras leave out), YUYV by hand with BT.601 coefficients. */
#include "drivers/camframe.h"

#include <stdio.h> /* before jpeglib.h, which uses FILE */

#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define MAX_W 20000
#define MAX_H 30000
#define MAX_PIXELS (100u << 20)

const char *camframe_format_str(enum camframe_format f)
{
	static const char *const names[CAMFRAME__COUNT] = {
		[CAMFRAME_MJPEG] = "MJPEG",
		[CAMFRAME_YUYV] = "YUYV",
	};

	return (unsigned)f < CAMFRAME__COUNT ? names[f] : "UNKNOWN";
}

static struct scan_page *page_new(int w, int h, int ch, int dpi)
{
	struct scan_page *p;

	if (w <= 0 || h <= 0 || w > MAX_W || h > MAX_H || (size_t)w * (size_t)h > MAX_PIXELS)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->width = w;
	p->height = h;
	p->channels = ch;
	p->dpi = dpi;
	p->pixels = malloc((size_t)w * (size_t)h * (size_t)ch);
	if (!p->pixels) {
		free(p);
		return NULL;
	}
	return p;
}

static unsigned char clamp(int v)
{
	return (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static enum kerr yuyv(const unsigned char *d, size_t len, int w, int h, bool color, int dpi,
		      struct scan_page **ret)
{
	struct scan_page *p;

	if (w <= 0 || h <= 0 || w % 2 || w > MAX_W || h > MAX_H || len < (size_t)w * (size_t)h * 2)
		return KERR_INVAL;
	p = page_new(w, h, color ? 3 : 1, dpi);
	if (!p)
		return KERR_NOMEM;
	for (size_t i = 0, n = (size_t)w * (size_t)h / 2; i < n; i++) {
		const unsigned char *s = d + 4 * i;
		int u = s[1] - 128, v = s[3] - 128;

		if (!color) {
			p->pixels[2 * i] = s[0];
			p->pixels[2 * i + 1] = s[2];
			continue;
		}
		for (int k = 0; k < 2; k++) {
			int y = s[2 * k];
			unsigned char *o = p->pixels + (2 * i + (size_t)k) * 3;

			o[0] = clamp(y + ((359 * v) >> 8));
			o[1] = clamp(y - ((88 * u + 183 * v) >> 8));
			o[2] = clamp(y + ((454 * u) >> 8));
		}
	}
	*ret = p;
	return KERR_OK;
}

struct jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
};

static void on_error(j_common_ptr c)
{
	longjmp(((struct jerr *)c->err)->jump, 1);
}

static void quiet(j_common_ptr c)
{
	(void)c; /* a damaged frame is an error returned, not a line on stderr */
}

/* max_w > 0: libjpeg scales the decode down by n/8 to the largest size no wider than max_w (1/8 at least). */
static enum kerr mjpeg(const unsigned char *data, size_t len, bool color, int dpi, int max_w,
		       struct scan_page **ret)
{
	struct jpeg_decompress_struct d;
	struct jerr err;
	struct scan_page *volatile p = NULL;

	if (!data || len < 4 || len > (64u << 20))
		return KERR_INVAL;
	d.err = jpeg_std_error(&err.mgr);
	err.mgr.error_exit = on_error;
	err.mgr.output_message = quiet;
	if (setjmp(err.jump)) {
		jpeg_destroy_decompress(&d);
		scan_page_free(p);
		return KERR_PROTO;
	}
	jpeg_create_decompress(&d);
	jpeg_mem_src(&d, data, (unsigned long)len);
	if (jpeg_read_header(&d, TRUE) != JPEG_HEADER_OK) {
		jpeg_destroy_decompress(&d);
		return KERR_PROTO;
	}
	d.out_color_space = color ? JCS_RGB : JCS_GRAYSCALE;
	if (max_w > 0) {
		d.scale_denom = 8;
		for (d.scale_num = 8; d.scale_num > 1; d.scale_num--)
			if (((unsigned long)d.image_width * d.scale_num + 7) / 8 <= (unsigned long)max_w)
				break;
		d.dct_method = JDCT_IFAST;
	}
	jpeg_start_decompress(&d);
	p = page_new((int)d.output_width, (int)d.output_height, color ? 3 : 1, dpi);
	if (!p || d.output_components != p->channels) {
		jpeg_destroy_decompress(&d);
		scan_page_free(p);
		return p ? KERR_PROTO : KERR_NOMEM;
	}
	while (d.output_scanline < d.output_height) {
		JSAMPROW row = p->pixels + (size_t)d.output_scanline * (size_t)p->width * (size_t)p->channels;

		jpeg_read_scanlines(&d, &row, 1);
	}
	jpeg_finish_decompress(&d);
	/* libjpeg pads a cut-off frame with grey and only warns: half a document is not a capture. */
	if (err.mgr.num_warnings > 0) {
		jpeg_destroy_decompress(&d);
		scan_page_free(p);
		return KERR_PROTO;
	}
	jpeg_destroy_decompress(&d);
	*ret = p;
	return KERR_OK;
}

enum kerr camframe_decode(enum camframe_format f, const unsigned char *data, size_t len, int width, int height,
			  bool color, int dpi, struct scan_page **ret)
{
	if (!data || !ret)
		return KERR_INVAL;
	switch (f) {
	case CAMFRAME_MJPEG:
		return mjpeg(data, len, color, dpi, 0, ret);
	case CAMFRAME_YUYV:
		return yuyv(data, len, width, height, color, dpi, ret);
	default:
		return KERR_INVAL;
	}
}

/* Nearest-neighbour shrink to at most max_w wide: a preview is looked at, not read. */
static enum kerr shrink(struct scan_page *p, int max_w, struct scan_page **ret)
{
	struct scan_page *q;
	int w, h;

	if (p->width <= max_w) {
		*ret = p;
		return KERR_OK;
	}
	w = max_w;
	h = (int)((long)p->height * max_w / p->width);
	q = page_new(w, h < 1 ? 1 : h, p->channels, p->dpi);
	if (!q) {
		scan_page_free(p);
		return KERR_NOMEM;
	}
	for (int y = 0; y < q->height; y++) {
		const unsigned char *src = p->pixels + (size_t)(y * p->height / q->height) * (size_t)p->width * 3;
		unsigned char *dst = q->pixels + (size_t)y * (size_t)w * 3;

		for (int x = 0; x < w; x++)
			memcpy(dst + 3 * x, src + (size_t)(x * p->width / w) * 3, 3);
	}
	scan_page_free(p);
	*ret = q;
	return KERR_OK;
}

enum kerr camframe_preview(enum camframe_format f, const unsigned char *data, size_t len, int width, int height,
			   int max_w, struct scan_page **ret)
{
	struct scan_page *p = NULL;
	enum kerr e;

	if (!data || !ret || max_w < 16)
		return KERR_INVAL;
	switch (f) {
	case CAMFRAME_MJPEG:
		e = mjpeg(data, len, true, 0, max_w, &p);
		break;
	case CAMFRAME_YUYV:
		e = yuyv(data, len, width, height, true, 0, &p);
		break;
	default:
		return KERR_INVAL;
	}
	if (e != KERR_OK)
		return e;
	return shrink(p, max_w, ret);
}
