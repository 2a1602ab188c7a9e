/* ESC/POS encoding (Epson's commands, as cheap 80 mm kiosk printers implement them) and decoding
 * of real-time status. */
#include "drivers/escpos.h"

#include "common/utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define ESC 0x1b
#define GS 0x1d
#define FS 0x1c
#define DLE 0x10
#define EOT 0x04
#define LF 0x0a

/* Bits 1 and 4 are 1 in every real-time status byte: how to tell one from stray data. */
#define STATUS_FIXED 0x12

#define QR_MODULE_DOTS 6

void escpos_init(struct escpos *e, size_t max)
{
	memset(e, 0, sizeof(*e));
	e->max = max;
}

void escpos_finish(struct escpos *e)
{
	if (!e)
		return;
	if (e->data)
		explicit_bzero(e->data, e->cap);
	free(e->data);
	if (e->cd)
		iconv_close((iconv_t)e->cd);
	memset(e, 0, sizeof(*e));
}

static void fail(struct escpos *e, enum kerr err)
{
	if (e->err == KERR_OK)
		e->err = err;
}

static bool reserve(struct escpos *e, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (e->err != KERR_OK)
		return false;
	if (n > e->max - e->len) {
		fail(e, KERR_FULL);
		return false;
	}
	if (e->len + n <= e->cap)
		return true;
	cap = e->cap ? e->cap : 256;
	while (cap < e->len + n)
		cap *= 2;
	if (cap > e->max)
		cap = e->max;
	/* Not realloc: the old block may hold personal data and is wiped before it is freed. */
	p = malloc(cap);
	if (!p) {
		fail(e, KERR_NOMEM);
		return false;
	}
	if (e->data) {
		memcpy(p, e->data, e->len);
		explicit_bzero(e->data, e->cap);
		free(e->data);
	}
	e->data = p;
	e->cap = cap;
	return true;
}

void escpos_raw(struct escpos *e, const void *p, size_t n)
{
	if (n == 0 || !reserve(e, n))
		return;
	memcpy(e->data + e->len, p, n);
	e->len += n;
}

static void bytes3(struct escpos *e, uint8_t a, uint8_t b, uint8_t c)
{
	const uint8_t s[3] = { a, b, c };

	escpos_raw(e, s, sizeof(s));
}

void escpos_printer_init(struct escpos *e)
{
	const uint8_t s[2] = { ESC, '@' };

	escpos_raw(e, s, sizeof(s));
}

void escpos_align(struct escpos *e, enum receipt_align a)
{
	if ((unsigned)a > RECEIPT_RIGHT) {
		fail(e, KERR_INVAL);
		return;
	}
	bytes3(e, ESC, 'a', (uint8_t)a);
}

void escpos_bold(struct escpos *e, bool on)
{
	bytes3(e, ESC, 'E', on ? 1 : 0);
}

void escpos_size(struct escpos *e, int width, int height)
{
	if (width < 1 || width > 8 || height < 1 || height > 8) {
		fail(e, KERR_INVAL);
		return;
	}
	bytes3(e, GS, '!', (uint8_t)((width - 1) << 4 | (height - 1)));
}

void escpos_feed(struct escpos *e, int lines)
{
	if (lines < 0 || lines > 255) {
		fail(e, KERR_INVAL);
		return;
	}
	bytes3(e, ESC, 'd', (uint8_t)lines);
}

void escpos_cut(struct escpos *e, bool partial)
{
	bytes3(e, GS, 'V', partial ? 1 : 0);
}

void escpos_cjk(struct escpos *e, bool on)
{
	const uint8_t s[2] = { FS, on ? '&' : '.' };

	escpos_raw(e, s, sizeof(s));
}

void escpos_status_request(struct escpos *e, int n)
{
	if (n < 1 || n > 4) {
		fail(e, KERR_INVAL);
		return;
	}
	bytes3(e, DLE, EOT, (uint8_t)n);
}

static bool ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

void escpos_text(struct escpos *e, const char *utf8)
{
	char *in = (char *)utf8;
	size_t left = strlen(utf8);

	if (e->err != KERR_OK)
		return;
	if (ascii(utf8)) {
		escpos_raw(e, utf8, left);
		return;
	}
	if (!e->cd) {
		iconv_t cd = iconv_open("GB18030", "UTF-8");

		if (cd == (iconv_t)-1) {
			fail(e, KERR_UNSUPPORTED);
			return;
		}
		e->cd = cd;
	}
	iconv((iconv_t)e->cd, NULL, NULL, NULL, NULL);
	while (left > 0 && e->err == KERR_OK) {
		char out[256], *o = out;
		size_t room = sizeof(out);
		size_t r = iconv((iconv_t)e->cd, &in, &left, &o, &room);
		int err = errno;

		escpos_raw(e, out, (size_t)(o - out));
		explicit_bzero(out, sizeof(out));
		if (r != (size_t)-1 || err == E2BIG)
			continue;
		if (err != EILSEQ && err != EINVAL) {
			fail(e, KERR_INVAL);
			return;
		}
		/* Malformed or truncated UTF-8: a placeholder, then on with the next byte. */
		escpos_raw(e, "?", 1);
		in++;
		left--;
		iconv((iconv_t)e->cd, NULL, NULL, NULL, NULL);
	}
}

void escpos_qr(struct escpos *e, const char *data, int module, char level)
{
	static const char levels[] = "LMQH";
	const char *l = level ? strchr(levels, level) : NULL;
	size_t n = data ? strlen(data) : 0;
	uint8_t model[] = { GS, '(', 'k', 4, 0, 0x31, 0x41, 0x32, 0x00 };
	uint8_t size[] = { GS, '(', 'k', 3, 0, 0x31, 0x43, (uint8_t)module };
	uint8_t ecc[] = { GS, '(', 'k', 3, 0, 0x31, 0x45, 0 };
	uint8_t store[] = { GS,	  '(',	'k', (uint8_t)(n + 3), (uint8_t)((n + 3) >> 8),
			    0x31, 0x50, 0x30 };
	static const uint8_t print[] = { GS, '(', 'k', 3, 0, 0x31, 0x51, 0x30 };

	if (!l || module < 1 || module > 16 || n == 0 || n > ESCPOS_QR_MAX) {
		fail(e, KERR_INVAL);
		return;
	}
	ecc[7] = (uint8_t)(0x30 + (l - levels));
	escpos_raw(e, model, sizeof(model));
	escpos_raw(e, size, sizeof(size));
	escpos_raw(e, ecc, sizeof(ecc));
	escpos_raw(e, store, sizeof(store));
	escpos_raw(e, data, n);
	escpos_raw(e, print, sizeof(print));
}

static int width(uint32_t cp)
{
	return cp < 0x80 ? 1 : 2;
}

static int text_width(const char *s, const char *end)
{
	int w = 0;

	while (s < end && *s)
		w += width(utf8_next(&s));
	return w;
}

static void emit(struct escpos *e, const char *start, const char *end)
{
	char line[ESCPOS_COLUMNS * 4 + 1];
	size_t n = (size_t)(end - start);

	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, start, n);
	line[n] = 0;
	escpos_text(e, line);
	escpos_raw(e, "\n", 1);
	explicit_bzero(line, sizeof(line));
}

/* Word wrap by display columns: break at the last space when a line overflows, else inside the word
 * (CJK text has no spaces and breaks anywhere). */
static void wrapped(struct escpos *e, const char *text, int cols)
{
	const char *p = text, *start = text, *brk = NULL;
	int col = 0;

	while (*p) {
		const char *at = p;
		uint32_t cp = utf8_next(&p);
		int w = width(cp);

		if (cp == '\n') {
			emit(e, start, at);
			start = p, col = 0, brk = NULL;
			continue;
		}
		if (col + w > cols) {
			if (cp == ' ') {
				emit(e, start, at);
				start = p, col = 0, brk = NULL;
				continue;
			}
			if (brk) {
				emit(e, start, brk - 1);
				start = brk;
				col = text_width(brk, at);
			} else {
				emit(e, start, at);
				start = at;
				col = 0;
			}
			brk = NULL;
		}
		col += w;
		if (cp == ' ')
			brk = p;
	}
	if (p > start || !*text)
		emit(e, start, p);
}

struct style {
	enum receipt_align align;
	bool bold;
	int size;
};

static void restyle(struct escpos *e, struct style *cur, enum receipt_align align, bool bold,
		    int size)
{
	if (cur->align != align)
		escpos_align(e, align);
	if (cur->bold != bold)
		escpos_bold(e, bold);
	if (cur->size != size)
		escpos_size(e, size, size);
	cur->align = align;
	cur->bold = bold;
	cur->size = size;
}

enum kerr escpos_render_receipt(struct escpos *e, const struct receipt_doc *doc)
{
	struct style cur = { RECEIPT_LEFT, false, 1 };
	char rule[ESCPOS_COLUMNS + 2];

	memset(rule, '-', ESCPOS_COLUMNS);
	rule[ESCPOS_COLUMNS] = '\n';
	rule[ESCPOS_COLUMNS + 1] = 0;
	escpos_printer_init(e);
	escpos_cjk(e, true);
	for (size_t i = 0; i < doc->n_lines && e->err == KERR_OK; i++) {
		const struct receipt_line *l = &doc->lines[i];
		int size = l->size < 1 ? 1 : l->size;

		if ((size > 8 && l->kind != RECEIPT_FEED) || (unsigned)l->align > RECEIPT_RIGHT) {
			fail(e, KERR_INVAL);
			break;
		}
		switch (l->kind) {
		case RECEIPT_TEXT:
			restyle(e, &cur, l->align, l->bold, size);
			wrapped(e, l->text ? l->text : "", ESCPOS_COLUMNS / size);
			break;
		case RECEIPT_RULE:
			restyle(e, &cur, RECEIPT_LEFT, false, 1);
			escpos_raw(e, rule, ESCPOS_COLUMNS + 1);
			break;
		case RECEIPT_FEED:
			escpos_feed(e, l->size < 1 ? 1 : l->size);
			break;
		case RECEIPT_CUT:
			escpos_feed(e, 4);
			escpos_cut(e, true);
			break;
		case RECEIPT_QR:
			restyle(e, &cur, l->align, false, 1);
			escpos_qr(e, l->text, size > 1 ? QR_MODULE_DOTS + 2 : QR_MODULE_DOTS, 'M');
			escpos_raw(e, "\n", 1);
			break;
		default:
			fail(e, KERR_INVAL);
			break;
		}
	}
	escpos_feed(e, 4);
	escpos_cut(e, false);
	return e->err;
}

enum kerr escpos_status_decode(int n, uint8_t b, struct escpos_status *st)
{
	if (n < 1 || n > 4)
		return KERR_INVAL;
	if ((b & STATUS_FIXED) != STATUS_FIXED)
		return KERR_PROTO;
	switch (n) {
	case 1:
		st->offline = b & 0x08;
		break;
	case 2:
		st->cover_open = b & 0x04;
		st->paper_stop = b & 0x20;
		st->error = b & 0x40;
		break;
	case 3:
		st->cutter_error = b & 0x08;
		st->unrecoverable = b & 0x20;
		st->auto_recoverable = b & 0x40;
		break;
	default:
		st->paper_near_end = b & 0x0c;
		st->paper_end = b & 0x60;
		break;
	}
	return KERR_OK;
}

enum kerr escpos_status_fault(const struct escpos_status *st, const char **ret_detail)
{
	if (st->cover_open) {
		*ret_detail = "cover open";
		return KERR_COVER_OPEN;
	}
	if (st->paper_end || st->paper_stop) {
		*ret_detail = "paper out";
		return KERR_PAPER_OUT;
	}
	if (st->cutter_error || st->unrecoverable) {
		*ret_detail = "cutter or mechanism error";
		return KERR_JAMMED;
	}
	if (st->error || st->auto_recoverable) {
		/* Head too hot, voltage out of range: printing waits until it passes. */
		*ret_detail = "printer error";
		return KERR_IO;
	}
	if (st->offline) {
		*ret_detail = "offline";
		return KERR_IO;
	}
	*ret_detail = st->paper_near_end ? "paper near end" : "ready";
	return KERR_OK;
}

enum kerr escpos_status_encode(int n, const struct escpos_status *st, uint8_t *ret)
{
	uint8_t b = STATUS_FIXED;

	switch (n) {
	case 1:
		b |= st->offline ? 0x08 : 0;
		break;
	case 2:
		b |= (st->cover_open ? 0x04 : 0) | (st->paper_stop ? 0x20 : 0) |
		     (st->error ? 0x40 : 0);
		break;
	case 3:
		b |= (st->cutter_error ? 0x08 : 0) | (st->unrecoverable ? 0x20 : 0) |
		     (st->auto_recoverable ? 0x40 : 0);
		break;
	case 4:
		b |= (st->paper_near_end ? 0x0c : 0) | (st->paper_end ? 0x60 : 0);
		break;
	default:
		return KERR_INVAL;
	}
	*ret = b;
	return KERR_OK;
}
