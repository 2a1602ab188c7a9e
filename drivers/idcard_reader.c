/* The reader loop: one command in flight at a time, each with a reply deadline, run by poll(). */
#include "drivers/idcard_reader.h"

#include "common/log.h"
#include "drivers/idcard_frame.h"
#include "drivers/idcard_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The command in flight, or the next one to send. */
enum step {
	STEP_PROBE,
	STEP_FIND,
	STEP_SELECT,
	STEP_READ,
	STEP__COUNT
};

static const char *const step_names[STEP__COUNT] = {
	[STEP_PROBE] = "PROBE",
	[STEP_FIND] = "FIND",
	[STEP_SELECT] = "SELECT",
	[STEP_READ] = "READ",
};

static const enum idcard_cmd step_cmd[STEP__COUNT] = {
	[STEP_PROBE] = IDCARD_CMD_STATUS,
	[STEP_FIND] = IDCARD_CMD_FIND,
	[STEP_SELECT] = IDCARD_CMD_SELECT,
	[STEP_READ] = IDCARD_CMD_READ,
};

/* Bounds the bytes one poll will take from a transport that never stops talking. */
#define RECV_CHUNK 256
#define RECV_ROUNDS 64

struct idcard_reader {
	struct dev *dev;
	struct idcard_transport t;
	bool enabled;
	bool present;	/* a card was handled and has not been seen lifted since */
	bool reported;	/* the application was told of that card, so it must hear of its removal */
	bool in_flight; /* step's command was sent and its reply is awaited */
	enum step step;
	int64_t next_at;    /* when step's command is due, if it is wanted at all */
	int64_t sent_at;    /* when the command in flight went out */
	int64_t timeout_at; /* while in flight */
	int fails;	    /* consecutive failed exchanges */
	struct idcard_frame_parser parser;
};

enum kerr idcard_reader_create(struct dev *d, const struct idcard_transport *t,
			       struct idcard_reader **ret)
{
	struct idcard_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return KERR_NOMEM;
	r->dev = d;
	r->t = *t;
	r->step = STEP_PROBE;
	r->next_at = clock_now_ms(d->clock);
	idcard_frame_parser_init(&r->parser, IDCARD_FRAME_REPLY);
	/* Not an event: nobody has asked yet, and READY follows as soon as the module answers. */
	d->status.state = DEV_STATE_BUSY;
	d->status.fault = KERR_OK;
	snprintf(d->status.detail, sizeof(d->status.detail), "self-test");
	*ret = r;
	return KERR_OK;
}

void idcard_reader_destroy(struct idcard_reader *r)
{
	if (!r)
		return;
	explicit_bzero(r, sizeof(*r));
	free(r);
}

void idcard_reader_enable(struct idcard_reader *r, bool on)
{
	int64_t now = clock_now_ms(r->dev->clock);

	r->enabled = on;
	if (on && !r->in_flight && r->step == STEP_FIND && r->next_at > now)
		r->next_at = now;
}

static void end_exchange(struct idcard_reader *r)
{
	r->in_flight = false;
	idcard_frame_parser_reset(&r->parser);
}

static void schedule(struct idcard_reader *r, enum step s, int64_t at)
{
	r->step = s;
	r->next_at = at;
}

/* Finds go out on a beat counted from their sending, so slow replies do not stretch it. */
static void next_find(struct idcard_reader *r, int64_t now)
{
	int64_t at = r->sent_at + IDCARD_POLL_MS;

	schedule(r, STEP_FIND, at > now ? at : now);
}

static void go_absent(struct idcard_reader *r, int64_t now, const char *why)
{
	bool tell = r->present && r->reported;

	end_exchange(r);
	r->present = false;
	r->reported = false;
	r->fails = 0;
	schedule(r, STEP_PROBE, now + IDCARD_REPROBE_MS);
	dev_set_status(r->dev, DEV_STATE_ABSENT, KERR_NO_DEVICE, why);
	/* The application cannot wait for the lift of a card on a reader that is gone. */
	if (tell)
		dev_post(r->dev, DEV_EV_CARD_REMOVED, KERR_OK, 0, NULL, NULL);
}

/* Ends a card's handling. c (may be NULL) is posted with DEV_EV_CARD when e is OK, or freed. */
static void finish_card(struct idcard_reader *r, int64_t now, enum kerr e, struct idcard_data *c,
			bool still_there, const char *detail)
{
	dev_set_status(r->dev, DEV_STATE_READY, KERR_OK, detail);
	schedule(r, STEP_FIND, now + IDCARD_POLL_MS);
	r->present = still_there;
	r->reported = false;
	if (!r->enabled) {
		/* Switched off mid-read: nobody wants this card, but it must still be lifted. */
		idcard_data_free(c);
		return;
	}
	if (e == KERR_OK) {
		dev_post(r->dev, DEV_EV_CARD, KERR_OK, 0, c, idcard_data_free);
	} else {
		idcard_data_free(c);
		dev_post(r->dev, DEV_EV_CARD_ERROR, e, 0, NULL, NULL);
	}
	r->reported = still_there;
	log_debug("idcard: card %s (%s)", kerr_str(e), detail);
}

static void fail(struct idcard_reader *r, int64_t now, enum kerr e, const char *what)
{
	bool mid_card = r->step == STEP_SELECT || r->step == STEP_READ;
	char detail[sizeof(r->dev->status.detail)];

	snprintf(detail, sizeof(detail), "%s: %s", step_names[r->step], what);
	log_debug("idcard: %s failed: %s (%s)", step_names[r->step], kerr_str(e), what);
	end_exchange(r);
	if (e == KERR_NO_DEVICE) {
		go_absent(r, now, detail);
		if (mid_card && r->enabled)
			dev_post(r->dev, DEV_EV_CARD_ERROR, KERR_NO_DEVICE, 0, NULL, NULL);
		return;
	}
	if (++r->fails >= IDCARD_MAX_FAILS || r->step == STEP_PROBE) {
		schedule(r, STEP_PROBE, now + IDCARD_REPROBE_MS);
		dev_set_status(r->dev, DEV_STATE_FAULT, e, detail);
		if (mid_card && r->enabled) {
			r->present = true;
			r->reported = true;
			dev_post(r->dev, DEV_EV_CARD_ERROR, KERR_CARD_READ, 0, NULL, NULL);
		}
		return;
	}
	if (mid_card)
		finish_card(r, now, KERR_CARD_READ, NULL, true, detail);
	else
		schedule(r, STEP_FIND, now + IDCARD_POLL_MS);
}

static void today(const struct clock *c, char *out, size_t n)
{
	int y, mo, d, h, mi, s, wd;

	clock_local(clock_wall_ms(c), &y, &mo, &d, &h, &mi, &s, &wd);
	snprintf(out, n, "%04d%02d%02d", y, mo, d);
}

static void read_done(struct idcard_reader *r, int64_t now, const struct idcard_frame *f)
{
	struct idcard_read_payload p;
	struct idcard_data *c;
	const char *why = NULL;
	char day[16];
	enum kerr e;

	if (idcard_frame_split_read(f->data, f->len, false, &p) != KERR_OK) {
		finish_card(r, now, KERR_CARD_READ, NULL, true, "read reply lengths wrong");
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		finish_card(r, now, KERR_NOMEM, NULL, true, "out of memory");
		return;
	}
	/* Read whole but not a card the kiosk accepts (another type, or fields that fail their
	 * checks): the resident is told which cards are accepted, not to try the same one again. */
	if (idcard_text_parse(p.text, p.text_len, c, &why) != KERR_OK) {
		finish_card(r, now, KERR_INVAL, c, true, why);
		return;
	}
	if (p.photo_len == sizeof(c->photo)) {
		memcpy(c->photo, p.photo, sizeof(c->photo));
		c->has_photo = true;
	}
	today(r->dev->clock, day, sizeof(day));
	e = idcard_text_check_expiry(c, day);
	if (e == KERR_EXPIRED)
		finish_card(r, now, KERR_EXPIRED, c, true, "card expired");
	else if (e != KERR_OK)
		finish_card(r, now, KERR_INVAL, c, true, "validity dates malformed");
	else
		finish_card(r, now, KERR_OK, c, true, "card read");
}

/* A card the module will not read: of a type it does not know (KERR_INVAL: another card), or
 * one that failed to read (KERR_CARD_READ: worth placing again). */
static enum kerr card_fault(uint8_t sw3)
{
	return sw3 == IDCARD_SW3_CARD_TYPE ? KERR_INVAL : KERR_CARD_READ;
}

static void handle_reply(struct idcard_reader *r, int64_t now, const struct idcard_frame *f)
{
	uint8_t sw3 = f->head[2];

	/* f points into the parser: keep it until the reply is handled. */
	r->in_flight = false;
	switch (r->step) {
	case STEP_PROBE:
		if (sw3 == IDCARD_SW3_OK) {
			r->fails = 0;
			schedule(r, STEP_FIND, now);
			dev_set_status(r->dev, DEV_STATE_READY, KERR_OK, "module ok");
		} else {
			enum kerr e = idcard_sw3_kerr(sw3);

			schedule(r, STEP_PROBE, now + IDCARD_REPROBE_MS);
			dev_set_status(r->dev, DEV_STATE_FAULT, e == KERR_OK ? KERR_IO : e,
				       idcard_sw3_str(sw3));
		}
		break;
	case STEP_FIND:
		if (sw3 == IDCARD_SW3_FOUND) {
			r->fails = 0;
			if (!r->present && r->enabled) {
				schedule(r, STEP_SELECT, now);
				dev_set_status(r->dev, DEV_STATE_BUSY, KERR_OK, "reading card");
			} else {
				next_find(r, now);
			}
		} else if (sw3 == IDCARD_SW3_NO_CARD) {
			bool tell = r->present && r->reported;

			r->fails = 0;
			r->present = false;
			r->reported = false;
			next_find(r, now);
			if (tell)
				dev_post(r->dev, DEV_EV_CARD_REMOVED, KERR_OK, 0, NULL, NULL);
		} else {
			fail(r, now,
			     idcard_sw3_kerr(sw3) == KERR_OK ? KERR_PROTO : idcard_sw3_kerr(sw3),
			     idcard_sw3_str(sw3));
		}
		break;
	case STEP_SELECT:
		if (sw3 == IDCARD_SW3_OK)
			schedule(r, STEP_READ, now);
		else if (sw3 == IDCARD_SW3_NO_CARD)
			finish_card(r, now, KERR_CARD_REMOVED, NULL, false, idcard_sw3_str(sw3));
		else
			finish_card(r, now, card_fault(sw3), NULL, true, idcard_sw3_str(sw3));
		break;
	case STEP_READ:
		if (sw3 == IDCARD_SW3_OK)
			read_done(r, now, f);
		else if (sw3 == IDCARD_SW3_NO_CARD)
			finish_card(r, now, KERR_CARD_REMOVED, NULL, false, idcard_sw3_str(sw3));
		else
			finish_card(r, now, card_fault(sw3), NULL, true, idcard_sw3_str(sw3));
		break;
	default:
		break;
	}
}

/* The transport's own words for its last failure, when it keeps them. */
static const char *transport_error(const struct idcard_reader *r, const char *fallback)
{
	const char *s = r->t.error ? r->t.error(r->t.ctx) : NULL;

	return s && s[0] ? s : fallback;
}

/* Takes what has arrived; true when the exchange ended (a reply was handled, or it failed). */
static bool receive(struct idcard_reader *r, int64_t now)
{
	uint8_t buf[RECV_CHUNK];

	for (int round = 0; round < RECV_ROUNDS; round++) {
		size_t n = 0, off = 0;
		enum kerr e = r->t.recv(r->t.ctx, buf, sizeof(buf), &n);

		if (e != KERR_OK) {
			fail(r, now, e, transport_error(r, "receive failed"));
			return true;
		}
		if (n == 0)
			break;
		while (off < n) {
			struct idcard_frame f;
			size_t used = 0;
			enum idcard_parse res =
				idcard_frame_parser_feed(&r->parser, buf + off, n - off, &used, &f);

			off += used;
			if (res == IDCARD_PARSE_FRAME) {
				handle_reply(r, now, &f);
				explicit_bzero(buf, sizeof(buf));
				end_exchange(r);
				return true;
			}
			if (res != IDCARD_PARSE_MORE) {
				explicit_bzero(buf, sizeof(buf));
				fail(r, now, KERR_PROTO, idcard_parse_str(res));
				return true;
			}
		}
	}
	explicit_bzero(buf, sizeof(buf));
	if (now < r->timeout_at)
		return false;
	if (r->parser.skipped || r->parser.have)
		fail(r, now, r->parser.have ? KERR_TIMEOUT : KERR_PROTO,
		     r->parser.have ? "reply cut short" : "no preamble in reply");
	else
		fail(r, now, KERR_TIMEOUT, "no reply");
	return true;
}

/* Drops bytes left over from an earlier exchange so they cannot pass for the next reply. */
static enum kerr drain(struct idcard_reader *r)
{
	uint8_t buf[RECV_CHUNK];

	for (int round = 0; round < RECV_ROUNDS; round++) {
		size_t n = 0;
		enum kerr e = r->t.recv(r->t.ctx, buf, sizeof(buf), &n);

		if (e != KERR_OK || n == 0)
			return e;
	}
	return KERR_OK;
}

static void send_step(struct idcard_reader *r, int64_t now)
{
	uint8_t frame[16];
	size_t len = 0;
	enum kerr e;

	e = drain(r);
	if (e == KERR_OK)
		e = idcard_frame_build_cmd(step_cmd[r->step], NULL, 0, frame, sizeof(frame), &len);
	if (e == KERR_OK)
		e = r->t.send(r->t.ctx, frame, len);
	if (e != KERR_OK) {
		fail(r, now, e, transport_error(r, "send failed"));
		return;
	}
	idcard_frame_parser_reset(&r->parser);
	r->in_flight = true;
	r->sent_at = now;
	r->timeout_at = now + IDCARD_REPLY_TIMEOUT_MS;
}

static bool wanted(const struct idcard_reader *r)
{
	return r->step != STEP_FIND || r->enabled || r->present;
}

void idcard_reader_poll(struct idcard_reader *r, int64_t now)
{
	/* Several exchanges may end in one poll when replies are instant (find, select, read). */
	for (int guard = 0; guard < 8; guard++) {
		if (r->in_flight) {
			if (!receive(r, now))
				return;
			continue;
		}
		if (!wanted(r) || now < r->next_at)
			return;
		send_step(r, now);
	}
}

int64_t idcard_reader_next_deadline(const struct idcard_reader *r)
{
	if (r->in_flight) {
		int64_t at = r->t.ready_at ? r->t.ready_at(r->t.ctx) : INT64_MAX;

		return at < r->timeout_at ? at : r->timeout_at;
	}
	return wanted(r) ? r->next_at : INT64_MAX;
}

void idcard_reader_hotplug(struct idcard_reader *r, bool attached)
{
	int64_t now = clock_now_ms(r->dev->clock);

	if (!attached) {
		bool mid_card = r->in_flight && (r->step == STEP_SELECT || r->step == STEP_READ);

		go_absent(r, now, "unplugged");
		if (mid_card && r->enabled)
			dev_post(r->dev, DEV_EV_CARD_ERROR, KERR_NO_DEVICE, 0, NULL, NULL);
		return;
	}
	end_exchange(r);
	r->fails = 0;
	schedule(r, STEP_PROBE, now);
}
