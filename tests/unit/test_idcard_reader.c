/* The reader loop end to end with the simulated module, every control and fault; then against a
 * scripted transport that times out, garbles and vanishes. Virtual clock throughout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/support/dev_run.h"
#include "drivers/idcard.h"
#include "drivers/idcard_frame.h"
#include "drivers/idcard_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WALL_2025_06_01 1748743200000LL /* 10:00 in Beijing */
#define MAX_EVENTS 64

struct rig {
	struct clock clock;
	struct dev *d;
	struct dev_event ev[MAX_EVENTS];
	int n;
};

static void post(void *ctx, const struct dev_event *ev)
{
	struct rig *r = ctx;

	assert_true(r->n < MAX_EVENTS);
	r->ev[r->n++] = *ev;
}

static void drop_events(struct rig *r)
{
	for (int i = 0; i < r->n; i++)
		dev_event_finish(&r->ev[i]);
	r->n = 0;
}

/* Advances the clock to each deadline in turn, polling, until ms have passed. */
static void run(struct rig *r, int64_t ms)
{
	dev_run(r->d, &r->clock, NULL, ms);
}

static int count(const struct rig *r, enum dev_event_type t)
{
	int n = 0;

	for (int i = 0; i < r->n; i++)
		n += r->ev[i].type == t;
	return n;
}

static const struct dev_event *last(const struct rig *r, enum dev_event_type t)
{
	for (int i = r->n - 1; i >= 0; i--)
		if (r->ev[i].type == t)
			return &r->ev[i];
	return NULL;
}

static struct rig *rig_open(int latency)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct dev_config cfg = { .backend = "sim", .latency_ms = latency };
	struct dev_sink sink = { post, r };

	clock_init_virtual(&r->clock, WALL_2025_06_01);
	assert_int_equal(idcard_open(&cfg, &sink, &r->clock, &r->d), KERR_OK);
	return r;
}

static void rig_close(struct rig *r)
{
	drop_events(r);
	dev_destroy(r->d);
	free(r);
}

static int setup(void **state)
{
	struct rig *r = rig_open(50);

	run(r, 200);
	drop_events(r);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	rig_close(*state);
	return 0;
}

static void ctl(struct rig *r, const char *cmd)
{
	assert_int_equal(dev_control(r->d, cmd), KERR_OK);
}

static const struct idcard_data *card(const struct rig *r)
{
	const struct dev_event *e = last(r, DEV_EV_CARD);

	assert_non_null(e);
	assert_non_null(e->payload);
	assert_ptr_equal(e->payload_free, idcard_data_free);
	return e->payload;
}

static void opens_and_probes(void **state)
{
	struct rig *r = rig_open(50);
	struct dev_status st;

	(void)state;
	dev_get_status(r->d, &st);
	assert_int_equal(st.state, DEV_STATE_BUSY);
	run(r, 10);
	assert_int_equal(r->n, 0);
	run(r, 100);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->ev[0].type, DEV_EV_STATUS);
	assert_int_equal(r->ev[0].cls, DEV_IDCARD);
	assert_int_equal(r->ev[0].status.state, DEV_STATE_READY);
	/* Disabled with no card: nothing to do. */
	assert_true(dev_next_deadline(r->d) == INT64_MAX);
	rig_close(r);
}

static void unknown_backend_and_controls(void **state)
{
	struct rig *r = *state;
	struct dev_config cfg = { .backend = "usb-magic" };
	struct dev_sink sink = { post, r };
	struct dev *d = (struct dev *)0x1;

	assert_int_equal(idcard_open(&cfg, &sink, &r->clock, &d), KERR_INVAL);
	assert_ptr_equal(d, (struct dev *)0x1);
	assert_int_equal(dev_control(r->d, "insert bogus"), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "fault read maybe"), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "jump"), KERR_INVAL);
	assert_int_equal(dev_control(r->d, "insert"), KERR_INVAL);
	assert_string_equal(idcard_type_str(IDCARD__COUNT), "UNKNOWN");
	idcard_data_free(NULL);
}

static void reads_resident_card(void **state)
{
	struct rig *r = *state;
	const struct idcard_data *c;

	assert_int_equal(idcard_enable(r->d, true), KERR_OK);
	ctl(r, "insert resident");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
	assert_int_equal(count(r, DEV_EV_CARD_ERROR), 0);
	c = card(r);
	assert_int_equal(c->type, IDCARD_RESIDENT);
	assert_string_equal(c->name, "王小英");
	assert_int_equal(c->sex, '2');
	assert_string_equal(c->nation, "01");
	assert_string_equal(c->birth, "19491231");
	assert_string_equal(c->address, "北京市东城区景山前街4号");
	assert_string_equal(c->id_number, "11010519491231002X");
	assert_string_equal(c->authority, "北京市公安局东城分局");
	assert_string_equal(c->valid_from, "20150101");
	assert_string_equal(c->valid_to, "20350101");
	assert_true(c->has_photo);
	assert_memory_equal(c->photo, "WLT", 3);
	assert_int_equal(last(r, DEV_EV_CARD)->status.state, DEV_STATE_READY);
	/* The status went BUSY while reading and back to READY. */
	assert_int_equal(count(r, DEV_EV_STATUS), 2);
}

static void card_must_be_lifted(void **state)
{
	struct rig *r = *state;

	idcard_enable(r->d, true);
	ctl(r, "insert resident");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
	/* Left on the reader for a long time: read once only, but watched. */
	run(r, 10000);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
	assert_true(dev_next_deadline(r->d) <= clock_now_ms(&r->clock) + IDCARD_POLL_MS);
	ctl(r, "remove");
	run(r, IDCARD_POLL_MS + 100);
	assert_int_equal(count(r, DEV_EV_CARD_REMOVED), 1);
	ctl(r, "insert resident");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 2);
}

static void find_polls_every_300ms(void **state)
{
	struct rig *r = *state;
	int64_t t0, t1;

	idcard_enable(r->d, true);
	run(r, 1000);
	t0 = dev_next_deadline(r->d);
	run(r, t0 - clock_now_ms(&r->clock));
	/* The find is in flight; its reply comes after the latency, then the next find is due. */
	run(r, 60);
	t1 = dev_next_deadline(r->d);
	assert_int_equal(t1 - t0, IDCARD_POLL_MS);
	assert_int_equal(r->n, 0);
}

static void disabled_reader_ignores_cards(void **state)
{
	struct rig *r = *state;

	ctl(r, "insert elder");
	run(r, 3000);
	assert_int_equal(r->n, 0);
	idcard_enable(r->d, true);
	run(r, 500);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
	assert_string_equal(card(r)->name, "张建国");
	assert_string_equal(card(r)->valid_to, "长期");
	assert_int_equal(card(r)->sex, '1');
	/* Switched off with the card still on: its removal is still reported. */
	idcard_enable(r->d, false);
	ctl(r, "remove");
	run(r, 500);
	assert_int_equal(count(r, DEV_EV_CARD_REMOVED), 1);
	assert_true(dev_next_deadline(r->d) == INT64_MAX);
}

static void expired_card(void **state)
{
	struct rig *r = *state;
	const struct dev_event *e;

	idcard_enable(r->d, true);
	ctl(r, "insert expired");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 0);
	e = last(r, DEV_EV_CARD_ERROR);
	assert_non_null(e);
	assert_int_equal(e->err, KERR_EXPIRED);
	assert_null(e->payload);
	ctl(r, "remove");
	run(r, 500);
	assert_int_equal(count(r, DEV_EV_CARD_REMOVED), 1);
}

/* Expiry follows the kiosk's clock in Beijing time: the last valid day passes at local midnight. */
static void expiry_uses_local_date(void **state)
{
	struct rig *r = *state;

	/* 2035-01-01 23:30 in Beijing is still 15:30 UTC the same day; 2035-01-02 00:30 is 16:30
	 * UTC Jan 1. */
	r->clock.virt_wall_ms = 2051278200000LL - r->clock.virt_mono_ms;
	idcard_enable(r->d, true);
	ctl(r, "insert resident");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
	ctl(r, "remove");
	run(r, 500);
	r->clock.virt_wall_ms += 3600 * 1000;
	ctl(r, "insert resident");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_EXPIRED);
}

static void other_card_types(void **state)
{
	struct rig *r = *state;
	static const struct {
		const char *cmd;
		enum idcard_type type;
		const char *name;
	} want[] = {
		{ "insert hmt", IDCARD_HMT_PERMIT, "陈大文" },
		{ "insert foreign", IDCARD_FOREIGN_2023, "马丁" },
		{ "insert foreign-2017", IDCARD_FOREIGN_2017, "安娜" },
	};

	idcard_enable(r->d, true);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ctl(r, want[i].cmd);
		run(r, 1000);
		assert_int_equal(count(r, DEV_EV_CARD), 1);
		assert_int_equal(card(r)->type, want[i].type);
		assert_string_equal(card(r)->name, want[i].name);
		if (want[i].type == IDCARD_HMT_PERMIT)
			assert_string_equal(card(r)->pass_number, "H60123456");
		if (want[i].type == IDCARD_FOREIGN_2023) {
			assert_string_equal(card(r)->name_en, "SMITH, MARTIN JOHN");
			assert_string_equal(card(r)->nationality, "GBR");
		}
		ctl(r, "remove");
		run(r, 500);
		drop_events(r);
	}
}

static void unreadable_card(void **state)
{
	struct rig *r = *state;

	idcard_enable(r->d, true);
	ctl(r, "insert unreadable");
	run(r, 5000);
	/* One error, not one every poll. */
	assert_int_equal(count(r, DEV_EV_CARD_ERROR), 1);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_CARD_READ);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->status.state, DEV_STATE_READY);
	ctl(r, "remove");
	run(r, 500);
	assert_int_equal(count(r, DEV_EV_CARD_REMOVED), 1);
}

static void wrong_cards(void **state)
{
	struct rig *r = *state;
	static const char *const wrong[] = { "unknown-type", "other-card" };

	idcard_enable(r->d, true);
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "insert %s", wrong[i]);
		ctl(r, cmd);
		run(r, 3000);
		/* Not a card the kiosk takes: said once, nothing read, the reader still fine. */
		assert_int_equal(count(r, DEV_EV_CARD), 0);
		assert_int_equal(count(r, DEV_EV_CARD_ERROR), 1);
		assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_INVAL);
		assert_int_equal(last(r, DEV_EV_CARD_ERROR)->status.state, DEV_STATE_READY);
		ctl(r, "remove");
		run(r, 500);
		assert_int_equal(count(r, DEV_EV_CARD_REMOVED), 1);
		drop_events(r);
	}
	ctl(r, "insert resident");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
}

static void fault_read(void **state)
{
	struct rig *r = *state;

	idcard_enable(r->d, true);
	ctl(r, "fault read on");
	ctl(r, "insert resident");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD_ERROR), 1);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_CARD_READ);
	ctl(r, "fault read off");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 0);
	ctl(r, "remove");
	run(r, 500);
	ctl(r, "insert resident");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
}

static void fault_remove_mid_read(void **state)
{
	struct rig *r = *state;

	idcard_enable(r->d, true);
	ctl(r, "fault remove-mid-read on");
	ctl(r, "insert resident");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD_ERROR), 1);
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_CARD_REMOVED);
	run(r, 1000);
	/* The error already said the card went. */
	assert_int_equal(count(r, DEV_EV_CARD_REMOVED), 0);
	assert_int_equal(count(r, DEV_EV_CARD), 0);
	ctl(r, "fault remove-mid-read off");
	ctl(r, "insert resident");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
}

static void unplug_and_plug(void **state)
{
	struct rig *r = *state;
	const struct dev_event *e;

	idcard_enable(r->d, true);
	ctl(r, "insert resident");
	run(r, 1000);
	drop_events(r);
	ctl(r, "unplug");
	assert_int_equal(r->n, 2);
	assert_int_equal(r->ev[0].type, DEV_EV_STATUS);
	assert_int_equal(r->ev[0].status.state, DEV_STATE_ABSENT);
	assert_int_equal(r->ev[0].status.fault, KERR_NO_DEVICE);
	assert_int_equal(r->ev[0].err, KERR_NO_DEVICE);
	assert_int_equal(r->ev[1].type, DEV_EV_CARD_REMOVED);
	run(r, 5000);
	assert_int_equal(r->n, 2);
	ctl(r, "unplug");
	ctl(r, "plug");
	run(r, 1000);
	e = last(r, DEV_EV_STATUS);
	assert_int_equal(e->status.state, DEV_STATE_READY);
	/* A fresh module sees the card that is still there. */
	assert_int_equal(count(r, DEV_EV_CARD), 1);
}

static void unplug_mid_read(void **state)
{
	struct rig *r = *state;

	idcard_enable(r->d, true);
	ctl(r, "slow on");
	ctl(r, "insert resident");
	run(r, 2000); /* find answered, select in flight */
	assert_int_equal(r->n, 1);
	ctl(r, "unplug");
	assert_int_equal(last(r, DEV_EV_CARD_ERROR)->err, KERR_NO_DEVICE);
	assert_int_equal(last(r, DEV_EV_STATUS)->status.state, DEV_STATE_ABSENT);
}

static void slow_reader(void **state)
{
	struct rig *r = *state;

	ctl(r, "slow on");
	idcard_enable(r->d, true);
	ctl(r, "insert resident");
	run(r, 4000);
	assert_int_equal(count(r, DEV_EV_CARD), 0);
	/* Find, select and read at 1500 ms each, inside the 3000 ms reply timeout. */
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 1);
	ctl(r, "slow off");
	ctl(r, "remove");
	run(r, 2000);
	assert_int_equal(count(r, DEV_EV_CARD_REMOVED), 1);
}

static void swapped_cards(void **state)
{
	struct rig *r = *state;

	idcard_enable(r->d, true);
	ctl(r, "insert resident");
	run(r, 1000);
	ctl(r, "insert elder");
	run(r, 1000);
	assert_int_equal(count(r, DEV_EV_CARD), 2);
	assert_int_equal(count(r, DEV_EV_CARD_REMOVED), 1);
	assert_string_equal(card(r)->name, "张建国");
}

/* A scripted module: answers each command with the reply the test set, in pieces of a set size. */
struct script {
	struct clock *clock;
	enum kerr send_err;
	uint8_t reply[IDCARD_FRAME_MAX];
	size_t reply_len, pos, piece;
	bool respond;
	int sent;
	uint8_t last_cmd[2];
	uint8_t find_sw3, status_sw3;
	const uint8_t *raw; /* when set, sent instead of a built reply */
	size_t raw_len;
};

static enum kerr s_send(void *ctx, const uint8_t *buf, size_t n)
{
	struct script *s = ctx;
	uint8_t sw3;

	if (s->send_err != KERR_OK)
		return s->send_err;
	assert_true(n >= 10);
	s->sent++;
	s->last_cmd[0] = buf[7];
	s->last_cmd[1] = buf[8];
	s->pos = 0;
	s->reply_len = 0;
	if (!s->respond)
		return KERR_OK;
	if (s->raw) {
		memcpy(s->reply, s->raw, s->raw_len);
		s->reply_len = s->raw_len;
		return KERR_OK;
	}
	if (buf[7] == 0x11)
		sw3 = s->status_sw3;
	else if (buf[7] == 0x20 && buf[8] == 0x01)
		sw3 = s->find_sw3;
	else
		sw3 = 0x90;
	assert_int_equal(idcard_frame_build_reply(0, 0, sw3, NULL, 0, s->reply, sizeof(s->reply),
						  &s->reply_len),
			 KERR_OK);
	return KERR_OK;
}

static enum kerr s_recv(void *ctx, uint8_t *buf, size_t cap, size_t *ret_n)
{
	struct script *s = ctx;
	size_t n = s->reply_len - s->pos;

	if (s->send_err != KERR_OK)
		return s->send_err;
	if (n > s->piece)
		n = s->piece;
	if (n > cap)
		n = cap;
	memcpy(buf, s->reply + s->pos, n);
	s->pos += n;
	*ret_n = n;
	return KERR_OK;
}

static void s_destroy(struct dev *d)
{
	(void)d;
}

static const struct dev_ops bare_ops = { .name = "bare", .cls = DEV_IDCARD, .destroy = s_destroy };

struct bare {
	struct rig rig;
	struct dev dev;
	struct script s;
	struct idcard_reader *reader;
};

static struct bare *bare_open(void)
{
	struct bare *b = calloc(1, sizeof(*b));
	struct dev_sink sink = { post, &b->rig };
	struct idcard_transport t = { .send = s_send, .recv = s_recv, .ctx = &b->s };

	clock_init_virtual(&b->rig.clock, WALL_2025_06_01);
	dev_init(&b->dev, &bare_ops, &sink, &b->rig.clock);
	b->s.clock = &b->rig.clock;
	b->s.respond = true;
	b->s.piece = 1;
	b->s.find_sw3 = 0x80;
	b->s.status_sw3 = 0x90;
	assert_int_equal(idcard_reader_create(&b->dev, &t, &b->reader), KERR_OK);
	return b;
}

static void bare_run(struct bare *b, int64_t ms)
{
	for (int64_t t = 0; t < ms; t += 10) {
		clock_advance(&b->rig.clock, 10);
		idcard_reader_poll(b->reader, clock_now_ms(&b->rig.clock));
	}
}

static void bare_close(struct bare *b)
{
	drop_events(&b->rig);
	idcard_reader_destroy(b->reader);
	free(b);
}

static void byte_by_byte_replies(void **state)
{
	struct bare *b = bare_open();

	(void)state;
	bare_run(b, 100);
	assert_int_equal(b->dev.status.state, DEV_STATE_READY);
	idcard_reader_enable(b->reader, true);
	bare_run(b, 1000);
	assert_int_equal(b->s.last_cmd[0], 0x20);
	assert_int_equal(b->s.last_cmd[1], 0x01);
	assert_true(b->s.sent >= 4);
	bare_close(b);
}

static void probe_timeout_then_recovery(void **state)
{
	struct bare *b = bare_open();

	(void)state;
	b->s.respond = false;
	bare_run(b, IDCARD_REPLY_TIMEOUT_MS + 20);
	assert_int_equal(b->dev.status.state, DEV_STATE_FAULT);
	assert_int_equal(b->dev.status.fault, KERR_TIMEOUT);
	b->s.respond = true;
	bare_run(b, IDCARD_REPROBE_MS + 20);
	assert_int_equal(b->dev.status.state, DEV_STATE_READY);
	assert_int_equal(b->rig.n, 2);
	bare_close(b);
}

static void self_test_failure(void **state)
{
	struct bare *b = bare_open();

	(void)state;
	b->s.status_sw3 = 0x60;
	bare_run(b, 100);
	assert_int_equal(b->dev.status.state, DEV_STATE_FAULT);
	assert_int_equal(b->dev.status.fault, KERR_IO);
	assert_non_null(strstr(b->dev.status.detail, "self-test"));
	bare_close(b);
}

static void garbled_replies_make_a_fault(void **state)
{
	static const uint8_t junk[] = { 0x01, 0x02, 0x03, 0xaa, 0x55 };
	struct bare *b = bare_open();

	(void)state;
	bare_run(b, 100);
	idcard_reader_enable(b->reader, true);
	b->s.raw = junk;
	b->s.raw_len = sizeof(junk);
	/* A few garbled exchanges are forgiven; the third in a row is a fault. */
	bare_run(b, 2 * (IDCARD_REPLY_TIMEOUT_MS + IDCARD_POLL_MS) + 100);
	assert_int_equal(b->dev.status.state, DEV_STATE_READY);
	bare_run(b, IDCARD_REPLY_TIMEOUT_MS + IDCARD_POLL_MS);
	assert_int_equal(b->dev.status.state, DEV_STATE_FAULT);
	assert_int_equal(b->dev.status.fault, KERR_PROTO);
	bare_close(b);
}

static void bad_checksum_reply(void **state)
{
	uint8_t frame[16];
	size_t len = 0;
	struct bare *b = bare_open();

	(void)state;
	assert_int_equal(idcard_frame_build_reply(0, 0, 0x90, NULL, 0, frame, sizeof(frame), &len),
			 KERR_OK);
	frame[len - 1] ^= 0xff;
	b->s.raw = frame;
	b->s.raw_len = len;
	bare_run(b, 100);
	/* The status probe cannot be retried on trust: FAULT at once. */
	assert_int_equal(b->dev.status.state, DEV_STATE_FAULT);
	assert_int_equal(b->dev.status.fault, KERR_PROTO);
	assert_non_null(strstr(b->dev.status.detail, "BAD_CHECKSUM"));
	bare_close(b);
}

static void cut_short_reply(void **state)
{
	uint8_t frame[16];
	size_t len = 0;
	struct bare *b = bare_open();

	(void)state;
	assert_int_equal(idcard_frame_build_reply(0, 0, 0x90, NULL, 0, frame, sizeof(frame), &len),
			 KERR_OK);
	b->s.raw = frame;
	b->s.raw_len = len - 2;
	bare_run(b, IDCARD_REPLY_TIMEOUT_MS + 20);
	assert_int_equal(b->dev.status.fault, KERR_TIMEOUT);
	assert_non_null(strstr(b->dev.status.detail, "cut short"));
	bare_close(b);
}

static void transport_gone(void **state)
{
	struct bare *b = bare_open();

	(void)state;
	b->s.send_err = KERR_NO_DEVICE;
	bare_run(b, 100);
	assert_int_equal(b->dev.status.state, DEV_STATE_ABSENT);
	assert_int_equal(b->dev.status.fault, KERR_NO_DEVICE);
	b->s.send_err = KERR_OK;
	bare_run(b, IDCARD_REPROBE_MS + 20);
	assert_int_equal(b->dev.status.state, DEV_STATE_READY);
	bare_close(b);
}

static void odd_find_status(void **state)
{
	struct bare *b = bare_open();

	(void)state;
	bare_run(b, 100);
	idcard_reader_enable(b->reader, true);
	b->s.find_sw3 = 0x66;
	bare_run(b, 3 * IDCARD_POLL_MS + 100);
	assert_int_equal(b->dev.status.state, DEV_STATE_FAULT);
	assert_int_equal(b->dev.status.fault, KERR_PERM);
	bare_close(b);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opens_and_probes),
		T(unknown_backend_and_controls),
		T(reads_resident_card),
		T(card_must_be_lifted),
		T(find_polls_every_300ms),
		T(disabled_reader_ignores_cards),
		T(expired_card),
		T(expiry_uses_local_date),
		T(other_card_types),
		T(unreadable_card),
		T(wrong_cards),
		T(fault_read),
		T(fault_remove_mid_read),
		T(unplug_and_plug),
		T(unplug_mid_read),
		T(slow_reader),
		T(swapped_cards),
		cmocka_unit_test(byte_by_byte_replies),
		cmocka_unit_test(probe_timeout_then_recovery),
		cmocka_unit_test(self_test_failure),
		cmocka_unit_test(garbled_replies_make_a_fault),
		cmocka_unit_test(bad_checksum_reply),
		cmocka_unit_test(cut_short_reply),
		cmocka_unit_test(transport_gone),
		cmocka_unit_test(odd_find_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
