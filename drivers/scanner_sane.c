/* Backend "sane" of the scanner: libsane on a worker thread. The worker owns every SANE call but the
 * watchdog's asynchronous sane_cancel(); the UI thread only queues jobs, raises the cancel flag and copies
 * the status the worker publishes. */
#define _GNU_SOURCE /* strcasestr */
#include "drivers/scanner.h"
#include "drivers/scanner_sane.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STALL_MS 60000	       /* no byte from the scanner for this long: it will not come */
#define JOB_PAGES 100	       /* a feeder never gives more in one job (the tray's size) */
#define MAX_W 20000	       /* pixels; as what scanimg accepts */
#define MAX_H 30000
#define MAX_PAGE (160u << 20) /* bytes of one page: A4 at 600 dpi in colour is 107 MiB */
#define CHUNK 65536

struct scanner_sane {
	struct dev dev; /* first: the class layer casts. Its status is the UI thread's copy */
	const struct scanner_sane_api *api;
	char name[sizeof(((struct dev_config *)0)->path)];
	int stall_ms;
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	/* shared, under lock */
	bool stop;
	bool queued;	/* a job waits for the worker */
	bool busy;	/* the worker is on a job */
	bool cancel;	/* the job is to end as soon as it can */
	bool timed_out; /* ...because the watchdog said so */
	struct scan_params params;
	struct dev_status shared;
	SANE_Handle h;	   /* set by the worker; read by the watchdog while busy */
	uint64_t progress; /* bytes read since open */
	/* the UI thread's own */
	uint64_t seen;
	int64_t seen_at;
	/* the worker's own */
	bool inited;
	char errmsg[96];
};

enum kerr scanner_sane_kerr(SANE_Status s)
{
	switch (s) {
	case SANE_STATUS_GOOD:
	case SANE_STATUS_EOF:
		return KERR_OK;
	case SANE_STATUS_UNSUPPORTED:
		return KERR_UNSUPPORTED;
	case SANE_STATUS_CANCELLED:
		return KERR_CANCELLED;
	case SANE_STATUS_DEVICE_BUSY:
		return KERR_BUSY;
	case SANE_STATUS_INVAL:
		return KERR_INVAL;
	case SANE_STATUS_JAMMED:
		return KERR_JAMMED;
	case SANE_STATUS_NO_DOCS:
		return KERR_NO_DOCS;
	case SANE_STATUS_COVER_OPEN:
		return KERR_COVER_OPEN;
	case SANE_STATUS_NO_MEM:
		return KERR_NOMEM;
	case SANE_STATUS_ACCESS_DENIED:
		return KERR_PERM;
	case SANE_STATUS_IO_ERROR:
	default:
		return KERR_IO;
	}
}

/* Remembers SANE's words for a failure (for the status detail) and translates its code. Worker only. */
static enum kerr fail(struct scanner_sane *s, const char *what, SANE_Status st)
{
	snprintf(s->errmsg, sizeof(s->errmsg), "%s: %s", what, sane_strstatus(st));
	return scanner_sane_kerr(st);
}

/* Publishes the worker's view of the device and posts an event carrying it. Worker only. */
static void publish(struct scanner_sane *s, enum dev_event_type type, enum kerr err, int value,
		    enum dev_state state, enum kerr fault, const char *detail, void *payload,
		    void (*payload_free)(void *))
{
	struct dev_event ev = { .cls = DEV_SCANNER, .type = type, .err = err, .value = value };
	bool changed;

	pthread_mutex_lock(&s->lock);
	changed = s->shared.state != state || s->shared.fault != fault ||
		  strcmp(s->shared.detail, detail) != 0;
	s->shared.state = state;
	s->shared.fault = fault;
	snprintf(s->shared.detail, sizeof(s->shared.detail), "%s", detail);
	ev.status = s->shared;
	ev.payload = payload;
	ev.payload_free = payload_free;
	pthread_mutex_unlock(&s->lock);
	if (type != DEV_EV_STATUS || changed)
		s->dev.sink.post(s->dev.sink.ctx, &ev);
}

static void set_status(struct scanner_sane *s, enum dev_state state, enum kerr fault, const char *detail)
{
	publish(s, DEV_EV_STATUS, KERR_OK, 0, state, fault, detail, NULL, NULL);
}

static bool cancelled(struct scanner_sane *s)
{
	bool c;

	pthread_mutex_lock(&s->lock);
	c = s->cancel || s->stop;
	pthread_mutex_unlock(&s->lock);
	return c;
}

static void close_device(struct scanner_sane *s)
{
	SANE_Handle h;

	pthread_mutex_lock(&s->lock);
	h = s->h;
	s->h = NULL;
	pthread_mutex_unlock(&s->lock);
	if (h)
		s->api->close(h);
}

/* Opens the configured device, or the first one found. */
static enum kerr find_device(struct scanner_sane *s)
{
	const SANE_Device **list = NULL;
	const char *name = s->name;
	SANE_Handle h = NULL;
	SANE_Status st;

	if (s->h)
		return KERR_OK;
	if (!s->inited) {
		SANE_Int version;

		st = s->api->init(&version, NULL);
		if (st != SANE_STATUS_GOOD)
			return fail(s, "init", st);
		s->inited = true;
	}
	if (!name[0]) {
		st = s->api->get_devices(&list, SANE_FALSE);
		if (st != SANE_STATUS_GOOD)
			return fail(s, "device list", st);
		if (!list || !list[0]) {
			snprintf(s->errmsg, sizeof(s->errmsg), "no scanner found");
			return KERR_NO_DEVICE;
		}
		name = list[0]->name;
	}
	st = s->api->open(name, &h);
	if (st != SANE_STATUS_GOOD) {
		enum kerr e = fail(s, "open", st);

		/* A name that is not there is an absent device, whatever word the backend chose for it. */
		return e == KERR_NOMEM || e == KERR_PERM || e == KERR_BUSY ? e : KERR_NO_DEVICE;
	}
	pthread_mutex_lock(&s->lock);
	s->h = h;
	pthread_mutex_unlock(&s->lock);
	return KERR_OK;
}

/* ---- options ---- */

static int find_option(struct scanner_sane *s, const char *name, const SANE_Option_Descriptor **ret)
{
	const SANE_Option_Descriptor *d;

	for (int i = 1; (d = s->api->get_option_descriptor(s->h, i)) != NULL; i++)
		if (d->name && strcmp(d->name, name) == 0 && SANE_OPTION_IS_ACTIVE(d->cap) &&
		    SANE_OPTION_IS_SETTABLE(d->cap)) {
			*ret = d;
			return i;
		}
	return -1;
}

/* Sets a string option to the first of the wanted values the device offers (exactly, then as a part of one
 * of its words). KERR_NOT_FOUND when it has no such option, KERR_UNSUPPORTED when it offers none of them. */
static enum kerr set_choice(struct scanner_sane *s, const char *name, const char *const *want)
{
	const SANE_Option_Descriptor *d;
	const SANE_String_Const *list;
	int i = find_option(s, name, &d);
	char value[128];

	if (i < 0 || d->type != SANE_TYPE_STRING)
		return KERR_NOT_FOUND;
	if (d->constraint_type != SANE_CONSTRAINT_STRING_LIST || !d->constraint.string_list)
		return KERR_UNSUPPORTED;
	list = d->constraint.string_list;
	for (int pass = 0; pass < 2; pass++)
		for (const char *const *w = want; *w; w++)
			for (int j = 0; list[j]; j++) {
				SANE_Status st;

				if (pass == 0 ? strcasecmp(list[j], *w) != 0 : !strcasestr(list[j], *w))
					continue;
				if ((size_t)d->size > sizeof(value) || strlen(list[j]) >= sizeof(value))
					continue;
				snprintf(value, sizeof(value), "%s", list[j]);
				st = s->api->control_option(s->h, i, SANE_ACTION_SET_VALUE, value, NULL);
				if (st != SANE_STATUS_GOOD)
					return fail(s, name, st);
				return KERR_OK;
			}
	return KERR_UNSUPPORTED;
}

/* The allowed value nearest to v under the option's constraint. */
static SANE_Word nearest(const SANE_Option_Descriptor *d, SANE_Word v)
{
	if (d->constraint_type == SANE_CONSTRAINT_RANGE && d->constraint.range) {
		const SANE_Range *r = d->constraint.range;

		if (v < r->min)
			v = r->min;
		if (v > r->max)
			v = r->max;
		if (r->quant > 0)
			v = r->min + (SANE_Word)(((long long)(v - r->min) + r->quant / 2) / r->quant * r->quant);
		if (v > r->max)
			v -= r->quant;
	} else if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST && d->constraint.word_list &&
		   d->constraint.word_list[0] > 0) {
		const SANE_Word *l = d->constraint.word_list;
		SANE_Word best = l[1];

		for (int j = 1; j <= l[0]; j++)
			if (llabs((long long)l[j] - v) < llabs((long long)best - v))
				best = l[j];
		v = best;
	}
	return v;
}

/* Sets a numeric option (fixed-point where the descriptor says so) and reads back what the device took:
 * a device may round (SANE_INFO_INEXACT). KERR_NOT_FOUND when it has no such option. */
static enum kerr set_number(struct scanner_sane *s, const char *name, int want, int *ret_got)
{
	const SANE_Option_Descriptor *d;
	int i = find_option(s, name, &d);
	SANE_Word v;
	SANE_Status st;

	if (i < 0 || (d->type != SANE_TYPE_INT && d->type != SANE_TYPE_FIXED) ||
	    d->size != sizeof(SANE_Word))
		return KERR_NOT_FOUND;
	v = nearest(d, d->type == SANE_TYPE_FIXED ? SANE_FIX(want) : want);
	st = s->api->control_option(s->h, i, SANE_ACTION_SET_VALUE, &v, NULL);
	if (st != SANE_STATUS_GOOD)
		return fail(s, name, st);
	st = s->api->control_option(s->h, i, SANE_ACTION_GET_VALUE, &v, NULL);
	if (st != SANE_STATUS_GOOD)
		return fail(s, name, st);
	*ret_got = d->type == SANE_TYPE_FIXED ? (int)(SANE_UNFIX(v) + 0.5) : v;
	return KERR_OK;
}

static enum kerr configure(struct scanner_sane *s, const struct scan_params *p, int *ret_dpi)
{
	static const char *const grey[] = { "Gray", "Grayscale", "Grey", "True Gray", NULL };
	static const char *const colour[] = { "Color", "Colour", "24bit Color", NULL };
	static const char *const flatbed[] = { "Flatbed", "Flat", "Normal", "Document Table", NULL };
	static const char *const feeder[] = { "Automatic Document Feeder", "ADF Front", "ADF", "Feeder",
					      "Automatic", NULL };
	enum kerr e;
	int dpi = p->dpi, depth;

	e = set_choice(s, "mode", p->color ? colour : grey);
	if (e != KERR_OK && e != KERR_NOT_FOUND)
		return e;
	/* Eight bits a sample where the device lets us choose; pages of other depths are converted anyway. */
	if (set_number(s, "depth", 8, &depth) == KERR_NOMEM)
		return KERR_NOMEM;
	e = set_choice(s, "source", p->source == SCAN_SOURCE_FEEDER ? feeder : flatbed);
	/* A device without a source option has one way in; a feeder asked of a flatbed is refused. */
	if (e == KERR_NOT_FOUND)
		e = KERR_OK;
	if (e != KERR_OK)
		return e;
	e = set_number(s, "resolution", p->dpi, &dpi);
	if (e != KERR_OK && e != KERR_NOT_FOUND)
		return e;
	*ret_dpi = dpi;
	return KERR_OK;
}

/* ---- pages ---- */

static bool params_ok(const SANE_Parameters *p)
{
	int spp = p->format == SANE_FRAME_RGB ? 3 : 1;
	long long need;

	if (p->format != SANE_FRAME_GRAY && p->format != SANE_FRAME_RGB && p->format != SANE_FRAME_RED &&
	    p->format != SANE_FRAME_GREEN && p->format != SANE_FRAME_BLUE)
		return false;
	if (p->depth != 1 && p->depth != 8 && p->depth != 16)
		return false;
	if (p->pixels_per_line <= 0 || p->pixels_per_line > MAX_W || p->lines < -1 || p->lines > MAX_H ||
	    p->lines == 0)
		return false;
	need = ((long long)p->pixels_per_line * spp * p->depth + 7) / 8;
	return p->bytes_per_line >= need && p->bytes_per_line <= (long long)MAX_W * 6;
}

/* One scanned row (bytes_per_line bytes) into row y of the page, as 8-bit samples. */
static void put_row(struct scan_page *pg, const SANE_Parameters *p, const uint8_t *src, int y)
{
	uint8_t *dst = pg->pixels + (size_t)y * (size_t)pg->width * (size_t)pg->channels;
	int spp = p->format == SANE_FRAME_RGB ? 3 : 1;
	int first = p->format == SANE_FRAME_GREEN ? 1 : p->format == SANE_FRAME_BLUE ? 2 : 0;
	int step = pg->channels == 3 && spp == 1 ? 3 : 1;
	int n = pg->width * spp;

	dst += step == 3 ? first : 0;
	for (int i = 0; i < n; i++) {
		uint8_t v;

		if (p->depth == 8) {
			v = src[i];
		} else if (p->depth == 16) {
			uint16_t w;

			memcpy(&w, src + 2 * i, 2); /* SANE's 16-bit samples are in host order */
			v = (uint8_t)(w >> 8);
		} else {
			bool bit = src[i / 8] & (0x80 >> (i % 8));

			/* Lineart: a set bit is black; in colour a set bit is full intensity. */
			v = (spp == 1 && p->format == SANE_FRAME_GRAY) == bit ? 0 : 255;
		}
		dst[(size_t)i * (size_t)step] = v;
	}
}

/* Makes room for row y of a page whose height the device did not know (a hand-held or sheet-fed device
 * that says lines = -1). */
static enum kerr grow(struct scan_page *pg, int y)
{
	size_t row = (size_t)pg->width * (size_t)pg->channels;
	int h = pg->height;
	uint8_t *n;

	if (y < h)
		return KERR_OK;
	if (y >= MAX_H || row * (size_t)(y + 1) > MAX_PAGE)
		return KERR_FULL;
	h = h < 256 ? 256 : h * 2;
	if (h > MAX_H)
		h = MAX_H;
	if (row * (size_t)h > MAX_PAGE)
		h = (int)(MAX_PAGE / row);
	n = realloc(pg->pixels, row * (size_t)h);
	if (!n)
		return KERR_NOMEM;
	pg->pixels = n;
	pg->height = h;
	return KERR_OK;
}

static void bump(struct scanner_sane *s, SANE_Int n)
{
	pthread_mutex_lock(&s->lock);
	s->progress += (uint64_t)n;
	pthread_mutex_unlock(&s->lock);
}

/* Reads one frame's rows into the page; short reads are the rule, so rows are put together in rowbuf. */
static enum kerr read_frame(struct scanner_sane *s, struct scan_page *pg, const SANE_Parameters *p,
			    uint8_t *rowbuf, int *ret_rows)
{
	uint8_t buf[CHUNK];
	size_t fill = 0, bpl = (size_t)p->bytes_per_line;
	int y = 0;

	for (;;) {
		SANE_Int len = 0;
		SANE_Status st;
		size_t off = 0;

		if (cancelled(s))
			return KERR_CANCELLED;
		st = s->api->read(s->h, buf, sizeof(buf), &len);
		if (st == SANE_STATUS_EOF)
			break;
		if (st != SANE_STATUS_GOOD)
			return fail(s, "read", st);
		if (len < 0 || len > (SANE_Int)sizeof(buf))
			return KERR_PROTO;
		bump(s, len);
		while (off < (size_t)len) {
			size_t take = bpl - fill < (size_t)len - off ? bpl - fill : (size_t)len - off;
			enum kerr e;

			memcpy(rowbuf + fill, buf + off, take);
			fill += take;
			off += take;
			if (fill < bpl)
				continue;
			fill = 0;
			if (p->lines > 0 && y >= p->lines)
				return KERR_PROTO; /* more than the device announced */
			e = grow(pg, y);
			if (e != KERR_OK)
				return e;
			put_row(pg, p, rowbuf, y++);
		}
	}
	*ret_rows = y;
	explicit_bzero(buf, sizeof(buf)); /* page data: not left on the worker's stack */
	return KERR_OK;
}

/* One page: one frame, or three on a three-pass device. KERR_NO_DOCS when the feeder is empty. */
static enum kerr scan_one(struct scanner_sane *s, int index, int dpi, struct scan_page **ret)
{
	struct scan_page *pg = NULL;
	uint8_t *rowbuf = NULL;
	size_t bpl_of_row = 0;
	enum kerr e = KERR_OK;
	int rows = 0;

	for (int frame = 0; frame < 3; frame++) {
		SANE_Parameters p;
		SANE_Status st = s->api->start(s->h);
		int frows = 0;

		if (st != SANE_STATUS_GOOD) {
			e = fail(s, "start", st);
			goto out;
		}
		st = s->api->get_parameters(s->h, &p);
		if (st != SANE_STATUS_GOOD) {
			e = fail(s, "parameters", st);
			goto out;
		}
		if (!params_ok(&p) || (pg && (p.pixels_per_line != pg->width || p.format == SANE_FRAME_GRAY ||
					      p.format == SANE_FRAME_RGB))) {
			snprintf(s->errmsg, sizeof(s->errmsg), "parameters out of range");
			e = KERR_PROTO;
			goto out;
		}
		if (!pg) {
			size_t n;

			pg = calloc(1, sizeof(*pg));
			if (!pg) {
				e = KERR_NOMEM;
				goto out;
			}
			pg->width = p.pixels_per_line;
			pg->height = p.lines > 0 ? p.lines : 0;
			pg->channels = p.format == SANE_FRAME_GRAY ? 1 : 3;
			pg->dpi = dpi;
			pg->index = index;
			n = (size_t)pg->width * (size_t)pg->height * (size_t)pg->channels;
			if (n > MAX_PAGE) {
				e = KERR_FULL;
				goto out;
			}
			pg->pixels = n ? calloc(1, n) : NULL;
			if (n && !pg->pixels) {
				e = KERR_NOMEM;
				goto out;
			}
		}
		if (rowbuf)
			explicit_bzero(rowbuf, bpl_of_row);
		free(rowbuf);
		bpl_of_row = (size_t)p.bytes_per_line;
		rowbuf = malloc(bpl_of_row);
		if (!rowbuf) {
			e = KERR_NOMEM;
			goto out;
		}
		e = read_frame(s, pg, &p, rowbuf, &frows);
		if (e != KERR_OK)
			goto out;
		rows = frows > rows ? frows : rows;
		if (p.last_frame)
			break;
	}
	if (rows == 0) {
		snprintf(s->errmsg, sizeof(s->errmsg), "empty page");
		e = KERR_IO;
		goto out;
	}
	/* A device may end a page early (or not have known its length): keep what came. */
	pg->height = rows;
	*ret = pg;
	pg = NULL;
out:
	if (rowbuf)
		explicit_bzero(rowbuf, bpl_of_row);
	free(rowbuf);
	scan_page_free(pg);
	return e;
}

static enum kerr run_job(struct scanner_sane *s, const struct scan_params *params, int *ret_pages)
{
	enum kerr e;
	int dpi = params->dpi, pages = 0;

	s->errmsg[0] = 0;
	e = find_device(s);
	if (e != KERR_OK)
		return e;
	e = configure(s, params, &dpi);
	for (; e == KERR_OK && pages < JOB_PAGES; pages++) {
		struct scan_page *pg = NULL;

		if (cancelled(s)) {
			e = KERR_CANCELLED;
			break;
		}
		e = scan_one(s, pages, dpi, &pg);
		if (e == KERR_NO_DOCS && pages > 0) {
			e = KERR_OK; /* the feeder emptied after the last page: done */
			break;
		}
		if (e != KERR_OK)
			break;
		publish(s, DEV_EV_PAGE, KERR_OK, pages, DEV_STATE_BUSY, KERR_OK, "scanning", pg,
			scan_page_free);
		if (params->source != SCAN_SOURCE_FEEDER) {
			pages++;
			break;
		}
	}
	/* Ends the batch: a feeder job ends at the first sane_start that finds no paper. */
	if (s->h)
		s->api->cancel(s->h);
	*ret_pages = pages;
	return e;
}

static void *worker(void *arg)
{
	struct scanner_sane *s = arg;
	enum kerr e = find_device(s);

	if (e == KERR_OK)
		set_status(s, DEV_STATE_READY, KERR_OK, "ready");
	else
		set_status(s, DEV_STATE_ABSENT, KERR_NO_DEVICE, s->errmsg);
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		struct scan_params params;
		enum dev_state state = DEV_STATE_READY;
		enum kerr fault = KERR_OK;
		int pages = 0;
		char detail[96];

		if (!s->queued) {
			pthread_cond_wait(&s->wake, &s->lock);
			continue;
		}
		s->queued = false;
		s->busy = true;
		params = s->params;
		pthread_mutex_unlock(&s->lock);

		e = run_job(s, &params, &pages);
		pthread_mutex_lock(&s->lock);
		if (e == KERR_CANCELLED && s->timed_out)
			e = KERR_TIMEOUT;
		s->busy = false;
		pthread_mutex_unlock(&s->lock);
		snprintf(detail, sizeof(detail), "%s", s->errmsg[0] ? s->errmsg : "ready");
		if (e == KERR_NO_DEVICE || e == KERR_IO || e == KERR_TIMEOUT || e == KERR_PROTO) {
			/* Opened afresh at the next job: after an I/O error the handle is not to be trusted. */
			close_device(s);
			state = e == KERR_NO_DEVICE ? DEV_STATE_ABSENT : DEV_STATE_FAULT;
			fault = e;
		} else if (e == KERR_JAMMED || e == KERR_COVER_OPEN) {
			state = DEV_STATE_FAULT;
			fault = e;
		}
		/* The status after the job, then its end: the receiver sees the fault first. */
		set_status(s, state, fault, detail);
		publish(s, DEV_EV_SCAN_DONE, e, pages, state, fault, detail, NULL, NULL);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	close_device(s);
	if (s->inited)
		s->api->exit();
	return NULL;
}

static enum kerr sane_start_job(struct dev *d, const struct scan_params *p)
{
	struct scanner_sane *s = (struct scanner_sane *)d;
	enum kerr e = KERR_OK;

	pthread_mutex_lock(&s->lock);
	if (s->queued || s->busy) {
		e = KERR_BUSY;
	} else {
		s->params = *p;
		s->queued = true;
		s->cancel = false;
		s->timed_out = false;
		/* A fault is cleared by trying again: a person may have cleared the jam or shut the cover. */
		s->shared.state = DEV_STATE_BUSY;
		s->shared.fault = KERR_OK;
		snprintf(s->shared.detail, sizeof(s->shared.detail), "scanning");
		d->status = s->shared;
		s->seen = s->progress;
		s->seen_at = clock_now_ms(d->clock);
		pthread_cond_signal(&s->wake);
	}
	pthread_mutex_unlock(&s->lock);
	return e;
}

static void sane_cancel_job(struct dev *d)
{
	struct scanner_sane *s = (struct scanner_sane *)d;

	pthread_mutex_lock(&s->lock);
	if (s->queued || s->busy)
		s->cancel = true;
	pthread_mutex_unlock(&s->lock);
}

/* Copies the worker's status; and is the watchdog: a job whose byte count has not moved for stall_ms of the
 * kiosk's clock is cancelled through SANE's asynchronous sane_cancel(), which unblocks a waiting read. */
static void sane_poll(struct dev *d, int64_t now)
{
	struct scanner_sane *s = (struct scanner_sane *)d;
	SANE_Handle stuck = NULL;

	pthread_mutex_lock(&s->lock);
	d->status = s->shared;
	if ((s->busy || s->queued) && !s->cancel) {
		if (s->progress != s->seen) {
			s->seen = s->progress;
			s->seen_at = now;
		} else if (now - s->seen_at >= s->stall_ms) {
			s->cancel = true;
			s->timed_out = true;
			stuck = s->h;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (stuck)
		s->api->cancel(stuck);
}

static int64_t sane_next_deadline(struct dev *d)
{
	struct scanner_sane *s = (struct scanner_sane *)d;
	int64_t t = INT64_MAX;

	pthread_mutex_lock(&s->lock);
	if ((s->busy || s->queued) && !s->cancel)
		t = s->seen_at + s->stall_ms;
	pthread_mutex_unlock(&s->lock);
	return t;
}

static enum kerr sane_control(struct dev *d, const char *cmd)
{
	(void)d;
	(void)cmd;
	return KERR_UNSUPPORTED;
}

static void sane_destroy(struct dev *d)
{
	struct scanner_sane *s = (struct scanner_sane *)d;

	if (s->started) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		s->cancel = true;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static const struct scanner_ops sane_ops = {
	.base = {
		.name = "scanner-sane",
		.cls = DEV_SCANNER,
		.destroy = sane_destroy,
		.poll = sane_poll,
		.next_deadline = sane_next_deadline,
		.control = sane_control,
	},
	.start = sane_start_job,
	.cancel = sane_cancel_job,
};

const struct scanner_sane_api scanner_sane_libsane = {
	.init = sane_init,
	.exit = sane_exit,
	.get_devices = sane_get_devices,
	.open = sane_open,
	.close = sane_close,
	.get_option_descriptor = sane_get_option_descriptor,
	.control_option = sane_control_option,
	.start = sane_start,
	.get_parameters = sane_get_parameters,
	.read = sane_read,
	.cancel = sane_cancel,
};

enum kerr scanner_sane_open_api(const struct dev_config *cfg, const struct dev_sink *sink,
				struct clock *clock, const struct scanner_sane_api *api, struct dev **ret)
{
	struct scanner_sane *s = calloc(1, sizeof(*s));

	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &sane_ops.base, sink, clock);
	s->api = api;
	snprintf(s->name, sizeof(s->name), "%s", cfg->path);
	s->stall_ms = cfg->latency_ms > 0 ? cfg->latency_ms : STALL_MS;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	/* Unknown until the worker has looked: absent, so nothing is promised before then. */
	s->shared.state = DEV_STATE_ABSENT;
	s->shared.fault = KERR_NO_DEVICE;
	snprintf(s->shared.detail, sizeof(s->shared.detail), "looking for the scanner");
	s->dev.status = s->shared;
	if (pthread_create(&s->thread, NULL, worker, s) != 0) {
		sane_destroy(&s->dev);
		return KERR_NOMEM;
	}
	s->started = true;
	*ret = &s->dev;
	return KERR_OK;
}

enum kerr scanner_sane_open(const struct dev_config *cfg, const struct dev_sink *sink, struct clock *clock,
			    struct dev **ret)
{
	return scanner_sane_open_api(cfg, sink, clock, &scanner_sane_libsane, ret);
}
