/* A material's JPEG pages as one PDF through cairo: each JPEG goes in as it is (DCTDecode, cairo's mime-data
 * path), on a page of its own size at its dpi, so the bundle costs no recompression. */
#include "drivers/pageproc.h"

#include <cairo-pdf.h>
#include <stdlib.h>
#include <string.h>

#define PDF_MAX (512u << 20) /* a bundle larger than this is refused */

struct sink {
	unsigned char *buf;
	size_t len, cap;
	bool failed;
};

static cairo_status_t put(void *closure, const unsigned char *data, unsigned int n)
{
	struct sink *s = closure;

	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 65536;
		unsigned char *b;

		while (cap < s->len + n)
			cap *= 2;
		if (cap > PDF_MAX || !(b = realloc(s->buf, cap))) {
			s->failed = true;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	return CAIRO_STATUS_SUCCESS;
}

/* One page: an image surface of the JPEG's size (A1, the smallest format: cairo draws from the mime data, the
 * pixels stay unused) scaled to the page. */
static enum kerr add_page(cairo_surface_t *pdf, const unsigned char *jpeg, size_t len)
{
	int w, h, comp, dpi;
	double pw, ph;
	cairo_surface_t *img;
	cairo_t *cr;
	unsigned char *copy;
	enum kerr e = pageproc_jpeg_info(jpeg, len, &w, &h, &comp, &dpi);

	if (e != KERR_OK)
		return e;
	if (dpi <= 0)
		dpi = 150;
	pw = w * 72.0 / dpi;
	ph = h * 72.0 / dpi;
	cairo_pdf_surface_set_size(pdf, pw, ph);
	img = cairo_image_surface_create(CAIRO_FORMAT_A1, w, h);
	copy = malloc(len);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS || !copy) {
		cairo_surface_destroy(img);
		free(copy);
		return KERR_NOMEM;
	}
	memcpy(copy, jpeg, len);
	if (cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, copy, len, free, copy) !=
	    CAIRO_STATUS_SUCCESS) {
		free(copy);
		cairo_surface_destroy(img);
		return KERR_NOMEM;
	}
	cr = cairo_create(pdf);
	cairo_scale(cr, pw / w, ph / h);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_paint(cr);
	cairo_show_page(cr);
	e = cairo_status(cr) == CAIRO_STATUS_SUCCESS ? KERR_OK : KERR_IO;
	cairo_destroy(cr);
	cairo_surface_destroy(img);
	return e;
}

enum kerr pageproc_pdf(const unsigned char *const *jpegs, const size_t *lens, size_t n,
		       unsigned char **ret_pdf, size_t *ret_len)
{
	struct sink s = { 0 };
	cairo_surface_t *pdf;
	enum kerr e = KERR_OK;

	if (!jpegs || !lens || n == 0)
		return KERR_INVAL;
	pdf = cairo_pdf_surface_create_for_stream(put, &s, 595, 842);
	if (cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(pdf);
		return KERR_NOMEM;
	}
	for (size_t i = 0; i < n && e == KERR_OK; i++)
		e = add_page(pdf, jpegs[i], lens[i]);
	cairo_surface_finish(pdf);
	if (e == KERR_OK && (s.failed || cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS))
		e = s.failed ? KERR_NOMEM : KERR_IO;
	cairo_surface_destroy(pdf);
	if (e != KERR_OK) {
		free(s.buf);
		return e;
	}
	*ret_pdf = s.buf;
	*ret_len = s.len;
	return KERR_OK;
}
