/* Backend "sim" of the scanner: A4 pages that look like a stamped form, one per latency period,
 * from the flatbed or the sheets loaded into the feeder, with jam, cover and I/O faults. */
#include "common/log.h"
#include "drivers/scanner.h"
#include "drivers/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOW_MS 3000
#define FEEDER_MAX 100 /* sheets the tray holds */

struct scanner_sim {
	struct dev dev; /* first: the class layer casts */
	bool plugged;
	bool slow;
	bool cover_open;
	bool jam;    /* armed: the next page jams */
	bool jammed; /* it did: a person must clear it */
	bool io;     /* armed: the next page fails */
	bool io_failed;
	int latency_ms;
	int loaded;	  /* sheets in the feeder */
	uint32_t counter; /* pages made since open, so each differs */
	/* the job in progress */
	bool busy;
	struct scan_params params;
	int index;	 /* the next page's number */
	int pages;	 /* how many the job gives */
	enum kerr empty; /* KERR_NO_DOCS when the feeder was empty at start */
	int64_t next_at;
};

struct ink {
	uint8_t r, g, b;
};

static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static int rand_in(uint32_t *x, int lo, int hi)
{
	return lo + (int)(next_rand(x) % (uint32_t)(hi - lo + 1));
}

static void fill(struct scan_page *p, int x0, int y0, int x1, int y1, struct ink c)
{
	uint8_t grey = (uint8_t)((c.r * 299 + c.g * 587 + c.b * 114) / 1000);

	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x1 > p->width)
		x1 = p->width;
	if (y1 > p->height)
		y1 = p->height;
	for (int y = y0; y < y1; y++) {
		uint8_t *row = p->pixels +
			       ((size_t)y * (size_t)p->width + (size_t)x0) * (size_t)p->channels;

		if (p->channels == 1) {
			if (x1 > x0)
				memset(row, grey, (size_t)(x1 - x0));
			continue;
		}
		for (int x = x0; x < x1; x++, row += 3) {
			row[0] = c.r;
			row[1] = c.g;
			row[2] = c.b;
		}
	}
}

static int isqrt(long v)
{
	long r = 0, bit = 1L << 30;

	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return (int)r;
}

/* A ring of outer radius r and thickness t, drawn span by span. */
static void ring(struct scan_page *p, int cx, int cy, int r, int t, struct ink c)
{
	int ri = r - t;

	for (int dy = -r; dy <= r; dy++) {
		int xo = isqrt((long)r * r - (long)dy * dy);

		if (dy > -ri && dy < ri) {
			int xi = isqrt((long)ri * ri - (long)dy * dy);

			fill(p, cx - xo, cy + dy, cx - xi, cy + dy + 1, c);
			fill(p, cx + xi, cy + dy, cx + xo, cy + dy + 1, c);
		} else {
			fill(p, cx - xo, cy + dy, cx + xo, cy + dy + 1, c);
		}
	}
}

/* One line of "words": dark bars of random widths up to the given right edge. */
static void text_line(struct scan_page *p, uint32_t *x, int left, int right, int y, int bar,
		      struct ink c)
{
	int dpi = p->dpi;

	for (int pos = left; pos < right;) {
		int word = rand_in(x, dpi / 7, dpi * 2 / 3);

		if (pos + word > right)
			word = right - pos;
		if (word < dpi / 10)
			break; /* no sliver of a word at the margin */
		fill(p, pos, y, pos + word, y + bar, c);
		pos += word + dpi / 12;
	}
}

static void draw_document(struct scan_page *p, uint32_t seed)
{
	static const struct ink text = { 30, 30, 35 }, head = { 30, 60, 130 },
				stamp = { 200, 30, 40 };
	uint32_t x = (seed * 2654435761u) ^ 0x6d2b79f5u;
	int dpi = p->dpi, w = p->width, h = p->height;
	int m = dpi * 3 / 4, pitch = dpi / 6, bar = dpi / 14;
	int r = dpi * 4 / 5, cx = w - m - r, cy = h - m - r;
	size_t row = (size_t)w * (size_t)p->channels;
	int y, paragraphs;
	uint8_t paper;

	if (!x)
		x = 1;
	paragraphs = rand_in(&x, 4, 6);
	paper = (uint8_t)rand_in(&x, 238, 250);
	memset(p->pixels, paper, row);
	for (int i = 1; i < h; i++)
		memcpy(p->pixels + (size_t)i * row, p->pixels, row);
	fill(p, m, m, w - m, m + dpi * 9 / 20, head);
	y = m + dpi * 9 / 20 + dpi * 3 / 10;
	fill(p, w * 3 / 10, y, w * 7 / 10, y + dpi / 7, text);
	y += dpi / 2;
	for (int i = 0; i < paragraphs && y < cy - r - pitch; i++) {
		int lines = rand_in(&x, 3, 7);

		for (int l = 0; l < lines && y < cy - r - pitch; l++, y += pitch) {
			int right = l == lines - 1 ? m + (w - 2 * m) * rand_in(&x, 40, 80) / 100
						   : w - m;

			text_line(p, &x, l == 0 ? m + dpi / 3 : m, right, y, bar, text);
		}
		y += pitch;
	}
	/* Signature line, and the seal over the date as on a stamped certificate. */
	fill(p, m, cy, m + w / 3, cy + dpi / 50 + 1, text);
	ring(p, cx, cy, r, dpi / 20 + 1, stamp);
	ring(p, cx, cy, r * 7 / 10, dpi / 60 + 1, stamp);
	fill(p, cx - r / 2, cy - bar / 2, cx + r / 2, cy + bar / 2, stamp);
}

static struct scan_page *make_page(const struct scan_params *params, int index, uint32_t seed)
{
	struct scan_page *p = calloc(1, sizeof(*p));
	size_t n;

	if (!p)
		return NULL;
	p->dpi = params->dpi;
	/* A4 is 210 x 297 mm. */
	p->width = (2100 * params->dpi + 127) / 254;
	p->height = (2970 * params->dpi + 127) / 254;
	p->channels = params->color ? 3 : 1;
	p->index = index;
	n = (size_t)p->width * (size_t)p->height * (size_t)p->channels;
	p->pixels = malloc(n);
	if (!p->pixels) {
		free(p);
		return NULL;
	}
	draw_document(p, seed);
	return p;
}

static void refresh(struct scanner_sim *s)
{
	if (!s->plugged)
		dev_set_status(&s->dev, DEV_STATE_ABSENT, KERR_NO_DEVICE, "unplugged");
	else if (s->cover_open)
		dev_set_status(&s->dev, DEV_STATE_FAULT, KERR_COVER_OPEN, "cover open");
	else if (s->jammed)
		dev_set_status(&s->dev, DEV_STATE_FAULT, KERR_JAMMED, "paper jam");
	else if (s->io_failed)
		dev_set_status(&s->dev, DEV_STATE_FAULT, KERR_IO, "I/O error");
	else if (s->busy)
		dev_set_status(&s->dev, DEV_STATE_BUSY, KERR_OK, "scanning");
	else
		dev_set_status(&s->dev, DEV_STATE_READY, KERR_OK, "ready");
}

static void finish(struct scanner_sim *s, enum kerr e)
{
	s->busy = false;
	refresh(s);
	log_debug("scanner sim: job ended %s after %d pages", kerr_str(e), s->index);
	dev_post(&s->dev, DEV_EV_SCAN_DONE, e, s->index, NULL, NULL);
}

static int64_t page_time(const struct scanner_sim *s)
{
	return s->slow ? SLOW_MS : s->latency_ms;
}

static enum kerr sim_start(struct dev *d, const struct scan_params *p)
{
	struct scanner_sim *s = (struct scanner_sim *)d;
	int64_t now = clock_now_ms(d->clock);

	if (!s->plugged)
		return KERR_NO_DEVICE;
	if (s->busy)
		return KERR_BUSY;
	if (d->status.state == DEV_STATE_FAULT)
		return d->status.fault;
	s->params = *p;
	s->index = 0;
	s->pages = p->source == SCAN_SOURCE_FEEDER ? s->loaded : 1;
	s->empty = s->pages == 0 ? KERR_NO_DOCS : KERR_OK;
	s->next_at = s->pages == 0 ? now : now + page_time(s);
	s->busy = true;
	refresh(s);
	return KERR_OK;
}

/* The sheet in the scanner is done with, scanned or jammed (a person pulls a jammed one out). */
static void take_sheet(struct scanner_sim *s)
{
	if (s->params.source == SCAN_SOURCE_FEEDER && s->loaded > 0)
		s->loaded--;
}

static void sim_poll(struct dev *d, int64_t now)
{
	struct scanner_sim *s = (struct scanner_sim *)d;

	/* With no latency a whole feeder's worth is due at once. */
	for (int guard = 0; guard <= FEEDER_MAX && s->busy && now >= s->next_at; guard++) {
		struct scan_page *page;

		if (s->empty != KERR_OK) {
			finish(s, s->empty);
			return;
		}
		if (s->cover_open) {
			finish(s, KERR_COVER_OPEN);
			return;
		}
		if (s->io) {
			s->io_failed = true;
			finish(s, KERR_IO);
			return;
		}
		if (s->jam) {
			s->jammed = true;
			take_sheet(s);
			finish(s, KERR_JAMMED);
			return;
		}
		page = make_page(&s->params, s->index, s->counter++);
		if (!page) {
			finish(s, KERR_NOMEM);
			return;
		}
		take_sheet(s);
		s->index++;
		dev_post(d, DEV_EV_PAGE, KERR_OK, page->index, page, scan_page_free);
		if (s->index >= s->pages) {
			finish(s, KERR_OK);
			return;
		}
		s->next_at += page_time(s);
	}
}

static int64_t sim_next_deadline(struct dev *d)
{
	struct scanner_sim *s = (struct scanner_sim *)d;

	return s->busy ? s->next_at : INT64_MAX;
}

static void sim_cancel(struct dev *d)
{
	struct scanner_sim *s = (struct scanner_sim *)d;

	if (s->busy)
		finish(s, KERR_CANCELLED);
}

static enum kerr sim_control(struct dev *d, const char *cmd)
{
	struct scanner_sim *s = (struct scanner_sim *)d;
	long n;
	bool on, cut;

	log_debug("scanner sim: %s", cmd);
	if (strncmp(cmd, "feed ", 5) == 0) {
		if (sim_parse_int(cmd + 5, 0, FEEDER_MAX, &n) != KERR_OK ||
		    s->loaded + n > FEEDER_MAX)
			return KERR_INVAL;
		s->loaded += (int)n;
		return KERR_OK;
	}
	if (sim_match_switch(cmd, "fault jam", &on)) {
		s->jam = on;
		s->jammed = false;
	} else if (sim_match_switch(cmd, "fault cover", &on)) {
		s->cover_open = on;
	} else if (sim_match_switch(cmd, "fault io", &on)) {
		s->io = on;
		s->io_failed = false;
	} else if (sim_match_switch(cmd, "slow", &on)) {
		s->slow = on;
		return KERR_OK;
	} else if (sim_plug_command(cmd, &s->plugged, &s->busy, &cut)) {
		refresh(s);
		if (cut)
			dev_post(d, DEV_EV_SCAN_DONE, KERR_NO_DEVICE, s->index, NULL, NULL);
		return KERR_OK;
	} else {
		return KERR_INVAL;
	}
	if (s->plugged)
		refresh(s);
	return KERR_OK;
}

static void sim_destroy(struct dev *d)
{
	free(d);
}

static const struct scanner_ops sim_ops = {
	.base = {
		.name = "scanner-sim",
		.cls = DEV_SCANNER,
		.destroy = sim_destroy,
		.poll = sim_poll,
		.next_deadline = sim_next_deadline,
		.control = sim_control,
	},
	.start = sim_start,
	.cancel = sim_cancel,
};

enum kerr scanner_sim_open(const struct dev_config *cfg, const struct dev_sink *sink,
			   struct clock *clock, struct dev **ret)
{
	struct scanner_sim *s = calloc(1, sizeof(*s));

	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &sim_ops.base, sink, clock);
	s->plugged = true;
	s->latency_ms = cfg->latency_ms > 0 ? cfg->latency_ms : 0;
	snprintf(s->dev.status.detail, sizeof(s->dev.status.detail), "ready");
	*ret = &s->dev;
	return KERR_OK;
}
