/* Receipt preview with cairo: character cells of 12 or 24 dots as the printer's Font A, magnified
 * per item, QR modules from libqrencode as the printer's own encoder would draw them. */
#include "drivers/receipt_png.h"

#include "common/utf8.h"
#include "drivers/cjkfont.h"

#include <cairo.h>
#include <qrencode.h>
#include <string.h>

#define CELL 24		 /* a full-width character cell, dots */
#define SPACING 6	 /* between lines: ESC/POS's default line spacing is 30 dots */
#define PITCH 30	 /* a feed line */
#define MARGIN 16	 /* paper above the first line */
#define MAX_HEIGHT 30000 /* a receipt of several metres is a bug, not a preview */
#define BASELINE 21	 /* within a cell: the Noto CJK ascent at 24 dots */

struct pen {
	cairo_t *cr;
	cairo_font_face_t *regular, *bold;
};

static enum kerr from_cairo(cairo_status_t s)
{
	switch (s) {
	case CAIRO_STATUS_SUCCESS:
		return KERR_OK;
	case CAIRO_STATUS_NO_MEMORY:
		return KERR_NOMEM;
	case CAIRO_STATUS_WRITE_ERROR:
	case CAIRO_STATUS_FILE_NOT_FOUND:
	case CAIRO_STATUS_READ_ERROR:
		return KERR_IO;
	default:
		return KERR_INVAL;
	}
}

static QRcode *qr_encode(const struct escpos_item *it)
{
	QRecLevel level = it->level == 'H'   ? QR_ECLEVEL_H
			  : it->level == 'Q' ? QR_ECLEVEL_Q
			  : it->level == 'M' ? QR_ECLEVEL_M
					     : QR_ECLEVEL_L;

	return QRcode_encodeData((int)it->len, (const unsigned char *)it->text, 0, level);
}

static int text_dots(const struct escpos_item *it)
{
	const char *s = it->text;
	int dots = 0;
	uint32_t cp;

	while ((cp = utf8_next(&s)) != 0)
		dots += (cp < 0x80 ? CELL / 2 : CELL) * it->width;
	return dots;
}

static int left(enum receipt_align a, int dots)
{
	if (dots > ESCPOS_JOB_DOTS)
		return 0;
	return a == RECEIPT_CENTER  ? (ESCPOS_JOB_DOTS - dots) / 2
	       : a == RECEIPT_RIGHT ? ESCPOS_JOB_DOTS - dots
				    : 0;
}

/* The height an item takes on paper; a QR code the printer cannot encode prints nothing. */
static int item_height(const struct escpos_item *it)
{
	QRcode *q;
	int h;

	switch (it->kind) {
	case ESCPOS_ITEM_TEXT:
		return CELL * it->height + SPACING;
	case ESCPOS_ITEM_FEED:
		return PITCH * it->lines;
	case ESCPOS_ITEM_CUT:
		return PITCH;
	case ESCPOS_ITEM_QR:
		q = qr_encode(it);
		h = q ? q->width * it->module : 0;
		QRcode_free(q);
		return h;
	default:
		return 0;
	}
}

static void draw_text(struct pen *p, const struct escpos_item *it, int y)
{
	const char *s = it->text;
	double x = left(it->align, text_dots(it));
	uint32_t cp;

	cairo_set_font_face(p->cr, it->bold ? p->bold : p->regular);
	cairo_set_font_size(p->cr, CELL);
	while ((cp = utf8_next(&s)) != 0) {
		char ch[5];
		int w = (cp < 0x80 ? CELL / 2 : CELL) * it->width;

		ch[utf8_encode(cp, ch)] = 0;
		cairo_save(p->cr);
		cairo_translate(p->cr, x, y + BASELINE * it->height);
		cairo_scale(p->cr, it->width, it->height);
		cairo_move_to(p->cr, 0, 0);
		cairo_show_text(p->cr, ch);
		cairo_restore(p->cr);
		x += w;
	}
}

static void draw_qr(struct pen *p, const struct escpos_item *it, int y)
{
	QRcode *q = qr_encode(it);
	int x0;

	if (!q)
		return;
	x0 = left(it->align, q->width * it->module);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				cairo_rectangle(p->cr, x0 + c * it->module, y + r * it->module,
						it->module, it->module);
	cairo_fill(p->cr);
	QRcode_free(q);
}

static void draw_cut(struct pen *p, bool partial, int y)
{
	const double dash[] = { 8, 6 };

	cairo_save(p->cr);
	cairo_set_line_width(p->cr, 1);
	cairo_set_dash(p->cr, dash, 2, 0);
	cairo_move_to(p->cr, 0, y + PITCH / 2 + 0.5);
	cairo_line_to(p->cr, partial ? ESCPOS_JOB_DOTS - CELL : ESCPOS_JOB_DOTS,
		      y + PITCH / 2 + 0.5);
	cairo_stroke(p->cr);
	cairo_restore(p->cr);
}

static enum kerr draw(struct pen *p, const struct escpos_job *j)
{
	int y = MARGIN;

	cairo_set_source_rgb(p->cr, 1, 1, 1);
	cairo_paint(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	for (size_t i = 0; i < j->n; i++) {
		const struct escpos_item *it = &j->items[i];

		if (it->kind == ESCPOS_ITEM_TEXT)
			draw_text(p, it, y);
		else if (it->kind == ESCPOS_ITEM_QR)
			draw_qr(p, it, y);
		else if (it->kind == ESCPOS_ITEM_CUT)
			draw_cut(p, it->partial, y);
		y += item_height(it);
	}
	return from_cairo(cairo_status(p->cr));
}

enum kerr receipt_png_write(const struct escpos_job *j, const char *path)
{
	struct pen p = { 0 };
	cairo_surface_t *s = NULL;
	cairo_font_options_t *fo = NULL;
	long height = MARGIN;
	enum kerr e;

	for (size_t i = 0; i < j->n && height <= MAX_HEIGHT; i++)
		height += item_height(&j->items[i]);
	if (height > MAX_HEIGHT)
		return KERR_FULL;
	e = cjkfont_open(CJKFONT_REGULAR, CJKFONT_MONO, &p.regular);
	if (e == KERR_OK)
		e = cjkfont_open(CJKFONT_BOLD, CJKFONT_MONO, &p.bold);
	if (e != KERR_OK)
		goto out;
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, ESCPOS_JOB_DOTS, (int)height);
	p.cr = cairo_create(s);
	fo = cairo_font_options_create();
	/* Dots burn or do not: no grey, and no hinting that would differ from one FreeType to
	 * another. */
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_NONE);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_set_font_options(p.cr, fo);
	cairo_set_antialias(p.cr, CAIRO_ANTIALIAS_NONE);
	e = draw(&p, j);
	if (e == KERR_OK) {
		cairo_surface_flush(s);
		e = from_cairo(cairo_surface_write_to_png(s, path));
	}
out:
	cairo_font_options_destroy(fo);
	if (p.cr)
		cairo_destroy(p.cr);
	if (s)
		cairo_surface_destroy(s);
	if (p.regular)
		cairo_font_face_destroy(p.regular);
	if (p.bold)
		cairo_font_face_destroy(p.bold);
	return e;
}
