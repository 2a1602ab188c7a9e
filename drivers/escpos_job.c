/* The ESC/POS interpreter of the simulated receipt printer: the commands kiosk printers implement,
 * read the way an Epson-compatible 80 mm printer reads them. */
#include "drivers/escpos_job.h"

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

#define HALF_DOTS 12
#define FULL_DOTS 24
/* A full line of the narrowest characters, each at most 4 bytes of UTF-8, and a '?' per bad byte.
 */
#define LINE_MAX (ESCPOS_JOB_DOTS / HALF_DOTS * 4 + 1)
/* The most a QR code holds (version 40, numeric): longer data is refused by the printer. */
#define QR_DATA_MAX 7089

struct reader {
	const uint8_t *p, *end, *start;
	const uint8_t *cmd; /* where the command being read began */
	struct escpos_job *job;
	iconv_t cd;
	enum kerr err;
	/* the printer's modes */
	enum receipt_align align;
	bool bold;
	int width, height;
	bool cjk;
	int qr_module;
	char qr_level;
	const uint8_t *qr_data;
	size_t qr_len;
	/* the line being filled */
	char line[LINE_MAX];
	size_t line_len;
	int line_dots;
	bool line_started;
	struct escpos_item line_style;
};

static void fail(struct reader *r, enum kerr e)
{
	if (r->err != KERR_OK)
		return;
	r->err = e;
	r->job->error_at = (size_t)(r->cmd - r->start);
}

static struct escpos_item *add(struct reader *r, enum escpos_item_kind kind)
{
	struct escpos_job *j = r->job;
	struct escpos_item *it;

	if (r->err != KERR_OK)
		return NULL;
	if (j->n == ESCPOS_JOB_MAX_ITEMS) {
		fail(r, KERR_FULL);
		return NULL;
	}
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 32;
		struct escpos_item *items = realloc(j->items, cap * sizeof(*items));

		if (!items) {
			fail(r, KERR_NOMEM);
			return NULL;
		}
		j->items = items;
		j->cap = cap;
	}
	it = &j->items[j->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->align = r->align;
	it->bold = r->bold;
	it->width = r->width;
	it->height = r->height;
	return it;
}

static bool set_text(struct reader *r, struct escpos_item *it, const void *p, size_t n)
{
	it->text = malloc(n + 1);
	if (!it->text) {
		fail(r, KERR_NOMEM);
		return false;
	}
	memcpy(it->text, p, n);
	it->text[n] = 0;
	it->len = n;
	return true;
}

/* Prints the line buffer; with nothing in it, a line feed still prints an empty line. */
static void flush(struct reader *r, bool empty_too)
{
	struct escpos_item *it;

	if (!r->line_started && !empty_too)
		return;
	it = add(r, ESCPOS_ITEM_TEXT);
	if (it) {
		if (r->line_started) {
			it->align = r->line_style.align;
			it->bold = r->line_style.bold;
			it->width = r->line_style.width;
			it->height = r->line_style.height;
		}
		set_text(r, it, r->line, r->line_len);
	}
	explicit_bzero(r->line, sizeof(r->line));
	r->line_len = 0;
	r->line_dots = 0;
	r->line_started = false;
}

/* One printed character of dots width, already UTF-8. */
static void put(struct reader *r, const char *utf8, size_t n, bool full)
{
	int dots = (full ? FULL_DOTS : HALF_DOTS) * r->width;

	if (r->line_started && r->line_dots + dots > ESCPOS_JOB_DOTS)
		flush(r, false);
	if (!r->line_started) {
		r->line_started = true;
		r->line_style = (struct escpos_item){
			.align = r->align, .bold = r->bold, .width = r->width, .height = r->height
		};
	}
	if (r->line_len + n >= sizeof(r->line))
		return;
	memcpy(r->line + r->line_len, utf8, n);
	r->line_len += n;
	r->line_dots += dots;
}

/* Length of the GB18030 character at p (1, 2 or 4), or 0 when malformed or cut short. */
static size_t gb_len(const uint8_t *p, const uint8_t *end)
{
	if (p[0] < 0x81 || p[0] > 0xfe || end - p < 2)
		return 0;
	if ((p[1] >= 0x40 && p[1] <= 0x7e) || (p[1] >= 0x80 && p[1] <= 0xfe))
		return 2;
	if (p[1] >= 0x30 && p[1] <= 0x39 && end - p >= 4 && p[2] >= 0x81 && p[2] <= 0xfe &&
	    p[3] >= 0x30 && p[3] <= 0x39)
		return 4;
	return 0;
}

static void put_cjk(struct reader *r)
{
	size_t n = gb_len(r->p, r->end);
	char out[8], *o = out, *in = (char *)r->p;
	size_t left = n, room = sizeof(out);

	if (n == 0) {
		put(r, "?", 1, false);
		r->p++;
		return;
	}
	if (!r->cd) {
		r->cd = iconv_open("UTF-8", "GB18030");
		if (r->cd == (iconv_t)-1) {
			r->cd = NULL;
			fail(r, KERR_UNSUPPORTED);
			return;
		}
	}
	iconv(r->cd, NULL, NULL, NULL, NULL);
	if (iconv(r->cd, &in, &left, &o, &room) == (size_t)-1 || left != 0)
		put(r, "?", 1, false);
	else
		put(r, out, (size_t)(o - out), true);
	r->p += n;
}

/* Argument bytes of the commands a printer accepts and the simulation ignores (underline, fonts,
 * code pages, margins ...): ESC and GS, indexed by the command letter; -1 for unknown. */
static int ignored_args(uint8_t lead, uint8_t c)
{
	static const char esc0[] = "2S";
	static const char esc1[] = "-MGVtR3U{J";
	static const char gs1[] = "BaHfhwb";
	static const char gs2[] = "LWP";

	if (lead == ESC) {
		if (c && strchr(esc0, c))
			return 0;
		return c && strchr(esc1, c) ? 1 : -1;
	}
	if (lead == GS) {
		if (c && strchr(gs1, c))
			return 1;
		return c && strchr(gs2, c) ? 2 : -1;
	}
	if (c == '!' || c == '-' || c == 'C' || c == 'W')
		return 1;
	return -1;
}

static bool need(struct reader *r, size_t n)
{
	if ((size_t)(r->end - r->p) >= n)
		return true;
	fail(r, KERR_PROTO);
	return false;
}

static void qr_print(struct reader *r)
{
	struct escpos_item *it;

	if (!r->qr_data)
		return;
	flush(r, false);
	it = add(r, ESCPOS_ITEM_QR);
	if (!it)
		return;
	it->module = r->qr_module;
	it->level = r->qr_level;
	set_text(r, it, r->qr_data, r->qr_len);
}

/* GS ( k pL pH cn fn ...: only cn 0x31 (QR code) does anything here. */
static void gs_paren_k(struct reader *r)
{
	size_t n;
	const uint8_t *a;

	if (!need(r, 5))
		return;
	n = (size_t)r->p[3] | (size_t)r->p[4] << 8;
	r->p += 5;
	if (n < 2 || !need(r, n)) {
		fail(r, KERR_PROTO);
		return;
	}
	a = r->p;
	r->p += n;
	if (a[0] != 0x31)
		return;
	switch (a[1]) {
	case 0x43:
		if (n >= 3 && a[2] >= 1 && a[2] <= 16)
			r->qr_module = a[2];
		break;
	case 0x45:
		if (n >= 3 && a[2] >= 0x30 && a[2] <= 0x33)
			r->qr_level = "LMQH"[a[2] - 0x30];
		break;
	case 0x50:
		if (n >= 3 && n - 3 <= QR_DATA_MAX) {
			r->qr_data = n > 3 ? a + 3 : NULL;
			r->qr_len = n - 3;
		}
		break;
	case 0x51:
		qr_print(r);
		break;
	default:
		break;
	}
}

static void reset(struct reader *r)
{
	r->align = RECEIPT_LEFT;
	r->bold = false;
	r->width = r->height = 1;
	r->qr_module = 3;
	r->qr_level = 'L';
	r->qr_data = NULL;
	r->qr_len = 0;
}

static void feed(struct reader *r, int lines)
{
	struct escpos_item *it;

	flush(r, false);
	if (lines <= 0)
		return;
	it = add(r, ESCPOS_ITEM_FEED);
	if (it)
		it->lines = lines;
}

static void cut(struct reader *r, uint8_t m)
{
	struct escpos_item *it;
	int lines = 0;

	if (m == 65 || m == 66) {
		if (!need(r, 1))
			return;
		lines = *r->p++;
	} else if (m != 0 && m != 1 && m != 48 && m != 49) {
		fail(r, KERR_PROTO);
		return;
	}
	feed(r, lines);
	it = add(r, ESCPOS_ITEM_CUT);
	if (it)
		it->partial = m == 1 || m == 49 || m == 66;
}

static void esc(struct reader *r)
{
	uint8_t c, n;
	int skip;

	if (!need(r, 1))
		return;
	c = *r->p++;
	if (c == '@') {
		flush(r, false);
		reset(r);
		return;
	}
	if (c == 'a' || c == 'E' || c == 'd' || c == '!') {
		if (!need(r, 1))
			return;
		n = *r->p++;
		if (c == 'a' && (n % 48) <= 2)
			r->align = (enum receipt_align)(n % 48);
		else if (c == 'E')
			r->bold = n & 1;
		else if (c == 'd')
			feed(r, n);
		else if (c == '!') {
			r->bold = n & 0x08;
			r->height = n & 0x10 ? 2 : 1;
			r->width = n & 0x20 ? 2 : 1;
		}
		return;
	}
	skip = ignored_args(ESC, c);
	if (skip < 0) {
		fail(r, KERR_PROTO);
		return;
	}
	if (need(r, (size_t)skip))
		r->p += skip;
}

static void gs(struct reader *r)
{
	uint8_t c;
	int skip;

	if (!need(r, 1))
		return;
	c = *r->p++;
	if (c == '!') {
		if (!need(r, 1))
			return;
		r->width = (*r->p >> 4 & 7) + 1;
		r->height = (*r->p & 7) + 1;
		r->p++;
		return;
	}
	if (c == 'V') {
		if (need(r, 1)) {
			uint8_t m = *r->p++;

			cut(r, m);
		}
		return;
	}
	if (c == '(' && r->p < r->end && *r->p == 'k') {
		r->p -= 2;
		gs_paren_k(r);
		return;
	}
	skip = ignored_args(GS, c);
	if (skip < 0) {
		fail(r, KERR_PROTO);
		return;
	}
	if (need(r, (size_t)skip))
		r->p += skip;
}

static void fs(struct reader *r)
{
	uint8_t c;
	int skip;

	if (!need(r, 1))
		return;
	c = *r->p++;
	if (c == '&' || c == '.') {
		r->cjk = c == '&';
		return;
	}
	skip = ignored_args(FS, c);
	if (skip < 0) {
		fail(r, KERR_PROTO);
		return;
	}
	if (need(r, (size_t)skip))
		r->p += skip;
}

static void step(struct reader *r)
{
	uint8_t b = *r->p;

	r->cmd = r->p;
	if (b == ESC || b == GS || b == FS) {
		r->p++;
		if (b == ESC)
			esc(r);
		else if (b == GS)
			gs(r);
		else
			fs(r);
		return;
	}
	if (b == DLE) {
		/* Real-time requests are answered at once and print nothing. */
		if (!need(r, 3) || r->p[1] != EOT || r->p[2] < 1 || r->p[2] > 4) {
			fail(r, KERR_PROTO);
			return;
		}
		r->p += 3;
		return;
	}
	if (b == LF) {
		r->p++;
		flush(r, true);
		return;
	}
	if (b < 0x20 || b == 0x7f) {
		/* CR, HT and the other controls: ignored, as printers do. */
		r->p++;
		return;
	}
	if (b < 0x80) {
		put(r, (const char *)r->p, 1, false);
		r->p++;
		return;
	}
	if (r->cjk) {
		put_cjk(r);
		return;
	}
	put(r, "?", 1, false);
	r->p++;
}

enum kerr escpos_job_parse(const uint8_t *data, size_t len, struct escpos_job *ret)
{
	struct reader r;

	memset(ret, 0, sizeof(*ret));
	memset(&r, 0, sizeof(r));
	r.p = r.start = data;
	r.end = data + len;
	r.job = ret;
	reset(&r);
	while (r.p < r.end && r.err == KERR_OK)
		step(&r);
	/* Bytes left in the line buffer at the end are not printed: a printer waits for the line
	 * feed. */
	explicit_bzero(r.line, sizeof(r.line));
	if (r.cd)
		iconv_close(r.cd);
	return r.err;
}

void escpos_job_finish(struct escpos_job *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		if (j->items[i].text) {
			explicit_bzero(j->items[i].text, j->items[i].len);
			free(j->items[i].text);
		}
	}
	free(j->items);
	memset(j, 0, sizeof(*j));
}
