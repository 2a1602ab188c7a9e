/* A4 layout with cairo's PDF surface: points (1/72 inch), 20 mm margins, a footer band. Laid out
 * twice, once to count the pages for the footers, once to draw. */
#include "drivers/docpdf.h"

#include "common/utf8.h"
#include "drivers/cjkfont.h"

#include <cairo-pdf.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#define MM (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define MARGIN (20 * MM)
#define FOOTER (30 * MM) /* band at the bottom: id, page number, QR */
#define BODY_PT 12.0
#define LEADING 1.5
#define QR_BODY (40 * MM)
#define QR_FOOTER (22 * MM)
#define MAX_PAGES 50

struct pdf {
	cairo_t *cr; /* NULL while counting pages */
	cairo_t *measure;
	cairo_font_face_t *regular, *bold;
	double y;
	int page, pages;
	const char *id, *qr;
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
		return KERR_IO;
	default:
		return KERR_INVAL;
	}
}

static void qr_draw(cairo_t *cr, const char *data, double x, double y, double size)
{
	QRcode *q = QRcode_encodeString8bit(data, 0, QR_ECLEVEL_M);
	double m;

	if (!q)
		return;
	m = size / q->width;
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				cairo_rectangle(cr, x + c * m, y + r * m, m, m);
	cairo_fill(cr);
	QRcode_free(q);
}

static void footer(struct pdf *p)
{
	cairo_t *cr = p->cr;
	char line[160];
	double y = PAGE_H - MARGIN;

	cairo_set_font_face(cr, p->regular);
	cairo_set_font_size(cr, 9);
	cairo_move_to(cr, MARGIN, PAGE_H - FOOTER - MARGIN + 4 * MM);
	cairo_line_to(cr, PAGE_W - MARGIN, PAGE_H - FOOTER - MARGIN + 4 * MM);
	cairo_set_line_width(cr, 0.5);
	cairo_stroke(cr);
	snprintf(line, sizeof(line), "编号：%s", p->id ? p->id : "");
	cairo_move_to(cr, MARGIN, y - 12);
	cairo_show_text(cr, line);
	snprintf(line, sizeof(line), "第 %d 页 / 共 %d 页　扫描二维码核验本页真伪", p->page,
		 p->pages);
	cairo_move_to(cr, MARGIN, y);
	cairo_show_text(cr, line);
	if (p->qr)
		qr_draw(cr, p->qr, PAGE_W - MARGIN - QR_FOOTER, y - QR_FOOTER + 4, QR_FOOTER);
}

static void new_page(struct pdf *p)
{
	if (p->page > 0 && p->cr) {
		footer(p);
		cairo_show_page(p->cr);
	}
	p->page++;
	p->y = MARGIN;
}

static double bottom(void)
{
	return PAGE_H - MARGIN - FOOTER;
}

static void need(struct pdf *p, double h)
{
	if (p->y + h > bottom() && p->y > MARGIN)
		new_page(p);
}

static double advance(cairo_t *cr, const char *ch)
{
	cairo_text_extents_t ext;

	cairo_text_extents(cr, ch, &ext);
	return ext.x_advance;
}

/* One paragraph, broken where the next character would pass the right margin. */
static void text(struct pdf *p, const struct receipt_line *l)
{
	cairo_t *m = p->measure;
	double pt = BODY_PT * (l->size > 1 ? 1 + 0.5 * l->size : 1), width = PAGE_W - 2 * MARGIN;
	const char *s = l->text ? l->text : "", *start = s;

	cairo_set_font_face(m, l->bold ? p->bold : p->regular);
	cairo_set_font_size(m, pt);
	if (p->cr) {
		cairo_set_font_face(p->cr, l->bold ? p->bold : p->regular);
		cairo_set_font_size(p->cr, pt);
	}
	do {
		const char *end = start, *q = start;
		double w = 0;
		uint32_t cp;

		while ((cp = utf8_next(&q)) != 0 && cp != '\n') {
			char ch[5];

			ch[utf8_encode(cp, ch)] = 0;
			if (w + advance(m, ch) > width && end > start)
				break;
			w += advance(m, ch);
			end = q;
		}
		need(p, pt * LEADING);
		if (p->cr) {
			char line[1024];
			size_t n = (size_t)(end - start) < sizeof(line) ? (size_t)(end - start)
									: sizeof(line) - 1;
			double x = MARGIN;

			memcpy(line, start, n);
			line[n] = 0;
			if (l->align == RECEIPT_CENTER)
				x += (width - w) / 2;
			else if (l->align == RECEIPT_RIGHT)
				x += width - w;
			cairo_move_to(p->cr, x, p->y + pt);
			cairo_show_text(p->cr, line);
		}
		p->y += pt * LEADING;
		start = *end == '\n' ? end + 1 : end;
	} while (*start);
}

static void line_of(struct pdf *p, const struct receipt_line *l)
{
	switch (l->kind) {
	case RECEIPT_TEXT:
		text(p, l);
		break;
	case RECEIPT_RULE:
		need(p, BODY_PT);
		if (p->cr) {
			cairo_move_to(p->cr, MARGIN, p->y + BODY_PT / 2);
			cairo_line_to(p->cr, PAGE_W - MARGIN, p->y + BODY_PT / 2);
			cairo_set_line_width(p->cr, 0.7);
			cairo_stroke(p->cr);
		}
		p->y += BODY_PT;
		break;
	case RECEIPT_FEED:
		p->y += BODY_PT * LEADING * (l->size < 1 ? 1 : l->size);
		break;
	case RECEIPT_CUT:
		new_page(p);
		break;
	case RECEIPT_QR:
		need(p, QR_BODY + BODY_PT);
		if (p->cr && l->text)
			qr_draw(p->cr, l->text, (PAGE_W - QR_BODY) / 2, p->y, QR_BODY);
		p->y += QR_BODY + BODY_PT / 2;
		break;
	default:
		break;
	}
}

static void lay_out(struct pdf *p, const struct receipt_doc *doc)
{
	p->page = 0;
	new_page(p);
	for (size_t i = 0; i < doc->n_lines; i++)
		line_of(p, &doc->lines[i]);
	if (p->cr) {
		footer(p);
		cairo_show_page(p->cr);
	}
}

static enum kerr check(const struct receipt_doc *doc)
{
	if (!doc || (doc->n_lines && !doc->lines))
		return KERR_INVAL;
	for (size_t i = 0; i < doc->n_lines; i++) {
		const struct receipt_line *l = &doc->lines[i];

		if ((unsigned)l->kind >= RECEIPT_KIND__COUNT ||
		    (unsigned)l->align > RECEIPT_RIGHT ||
		    (l->kind == RECEIPT_QR && (!l->text || !l->text[0])) || l->size > 8)
			return KERR_INVAL;
	}
	return KERR_OK;
}

enum kerr docpdf_write(const struct receipt_doc *doc, const char *id, const char *qr,
		       const char *path)
{
	struct pdf p = { .id = id, .qr = qr && qr[0] ? qr : NULL };
	cairo_surface_t *scratch = NULL, *s = NULL;
	enum kerr e = check(doc);

	if (e != KERR_OK)
		return e;
	e = cjkfont_open(CJKFONT_REGULAR, CJKFONT_SANS, &p.regular);
	if (e == KERR_OK)
		e = cjkfont_open(CJKFONT_BOLD, CJKFONT_SANS, &p.bold);
	if (e != KERR_OK)
		goto out;
	scratch = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
	p.measure = cairo_create(scratch);
	lay_out(&p, doc);
	if (p.page > MAX_PAGES) {
		e = KERR_FULL;
		goto out;
	}
	p.pages = p.page;
	s = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, id ? id : "");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "政务服务自助终端");
	p.cr = cairo_create(s);
	cairo_set_source_rgb(p.cr, 0, 0, 0);
	lay_out(&p, doc);
	e = from_cairo(cairo_status(p.cr));
	cairo_destroy(p.cr);
	p.cr = NULL;
	cairo_surface_finish(s);
	if (e == KERR_OK)
		e = from_cairo(cairo_surface_status(s));
out:
	if (s)
		cairo_surface_destroy(s);
	if (p.measure)
		cairo_destroy(p.measure);
	if (scratch)
		cairo_surface_destroy(scratch);
	if (p.regular)
		cairo_font_face_destroy(p.regular);
	if (p.bold)
		cairo_font_face_destroy(p.bold);
	return e;
}
