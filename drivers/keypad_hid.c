/* Backend "hid" of the evaluation keypad: a USB HID keypad read through libusb interrupt IN
 * reports, mapped to levels by the configured report map. Polled: reports are read without
 * waiting, often while the evaluation screen is up and slowly otherwise (only to keep the keys'
 * state and to drop what is pressed when nobody is asked), and a keypad that left is looked for
 * again every few seconds, or at once when libusb's hot-plug notices say it is back. */
#include "common/log.h"
#include "drivers/keypad.h"
#include "drivers/keypad_backend.h"
#include "drivers/keypad_report.h"
#include "drivers/usb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOK_MS	     10	  /* a key must feel instant: 10 ms is below what a person notices */
#define IDLE_LOOK_MS 250
#define REPROBE_MS   2000
#define DEBOUNCE_MS  40
/* Reports handled per poll: a stuck device cannot hold the kiosk's loop. */
#define REPORTS_PER_POLL 32

struct keypad_hid {
	struct dev dev; /* first: the class layer casts */
	struct usb_bulk *pipe;
	struct keypad_hid_map map;
	struct keypad_keys keys;
	int debounce_ms;
	bool enabled, open;
	int64_t probe_ms; /* when to look for the keypad again while closed */
};

static void go_absent(struct keypad_hid *s, int64_t now, const char *why)
{
	s->open = false;
	s->probe_ms = now + REPROBE_MS;
	dev_set_status(&s->dev, DEV_STATE_ABSENT, KERR_NO_DEVICE, why);
}

static void probe(struct keypad_hid *s, int64_t now)
{
	enum kerr e = usb_bulk_open(s->pipe);

	if (e != KERR_OK) {
		log_debug("keypad hid: %s", usb_bulk_error(s->pipe));
		go_absent(s, now, usb_bulk_error(s->pipe));
		return;
	}
	s->open = true;
	/* Whatever was held before is unknown: the next report says. */
	keypad_keys_init(&s->keys, s->debounce_ms);
	dev_set_status(&s->dev, DEV_STATE_READY, KERR_OK, "ready");
}

static void take(struct keypad_hid *s, const uint8_t *rep, size_t n, int64_t now)
{
	uint32_t mask;
	enum kerr e = keypad_report_parse(&s->map, rep, n, &mask);
	int level;

	if (e == KERR_PROTO)
		log_debug("keypad hid: a report of %zu bytes that the map cannot read, ignored", n);
	if (e != KERR_OK)
		return;
	level = keypad_keys_feed(&s->keys, mask, now);
	if (level < 0)
		return;
	if (!s->enabled) {
		log_debug("keypad hid: key %d dropped (not asking)", level);
		return;
	}
	dev_post(&s->dev, DEV_EV_KEY, KERR_OK, level, NULL, NULL);
}

static void hid_poll(struct dev *d, int64_t now)
{
	struct keypad_hid *s = (struct keypad_hid *)d;
	uint8_t rep[512];

	switch (usb_bulk_hotplug(s->pipe)) {
	case USB_PLUG_LEFT:
		go_absent(s, now, "unplugged");
		return;
	case USB_PLUG_ARRIVED:
		s->probe_ms = now;
		break;
	case USB_PLUG_NONE:
		break;
	}
	if (!s->open) {
		if (now >= s->probe_ms)
			probe(s, now);
		if (!s->open)
			return;
	}
	for (int i = 0; i < REPORTS_PER_POLL; i++) {
		size_t n = 0;
		enum kerr e = usb_bulk_read(s->pipe, rep, sizeof(rep), &n);

		if (e != KERR_OK) {
			log_debug("keypad hid: %s", usb_bulk_error(s->pipe));
			go_absent(s, now, e == KERR_NO_DEVICE ? "unplugged" : usb_bulk_error(s->pipe));
			return;
		}
		if (n == 0)
			break;
		take(s, rep, n, now);
	}
}

static int64_t hid_next_deadline(struct dev *d)
{
	struct keypad_hid *s = (struct keypad_hid *)d;

	if (!s->open)
		return s->probe_ms;
	return clock_now_ms(d->clock) + (s->enabled ? LOOK_MS : IDLE_LOOK_MS);
}

static enum kerr hid_enable(struct dev *d, bool on)
{
	((struct keypad_hid *)d)->enabled = on;
	return KERR_OK;
}

static enum kerr hid_control(struct dev *d, const char *cmd)
{
	(void)d;
	(void)cmd;
	return KERR_UNSUPPORTED;
}

static void release(struct keypad_hid *s)
{
	usb_bulk_destroy(s->pipe);
	free(s);
}

static void hid_destroy(struct dev *d)
{
	release((struct keypad_hid *)d);
}

static const struct keypad_ops hid_ops = {
	.base = {
		.name = "keypad-hid",
		.cls = DEV_KEYPAD,
		.destroy = hid_destroy,
		.poll = hid_poll,
		.next_deadline = hid_next_deadline,
		.control = hid_control,
	},
	.enable = hid_enable,
};

/* "" or one IN address in hex ("81"). */
static enum kerr parse_endpoint(const char *s, uint8_t *ret)
{
	unsigned v;
	int used = 0;

	*ret = 0;
	if (!s[0])
		return KERR_OK;
	if (sscanf(s, "%2x%n", &v, &used) != 1 || s[used] || !(v & 0x80) || v == 0x80)
		return KERR_INVAL;
	*ret = (uint8_t)v;
	return KERR_OK;
}

enum kerr keypad_hid_open(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret)
{
	struct usb_id ids[USB_IDS_MAX];
	struct keypad_hid_map map;
	struct keypad_hid *s;
	size_t n = 0;
	uint8_t ep;
	enum kerr e;

	if (!cfg->usb_ids[0] || usb_ids_parse(cfg->usb_ids, ids, USB_IDS_MAX, &n) != KERR_OK ||
	    parse_endpoint(cfg->usb_endpoints, &ep) != KERR_OK ||
	    keypad_hid_map_parse(cfg->map, &map) != KERR_OK)
		return KERR_INVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &hid_ops.base, sink, clock);
	s->map = map;
	s->debounce_ms = cfg->debounce_ms > 0 ? cfg->debounce_ms : DEBOUNCE_MS;
	keypad_keys_init(&s->keys, s->debounce_ms);
	e = usb_hid_create(ids, n, ep, &s->pipe);
	if (e != KERR_OK) {
		release(s);
		return e;
	}
	/* Looked for at the first poll, so a keypad plugged in later is found the same way. */
	s->probe_ms = clock_now_ms(clock);
	/* Set, not posted: nobody listens before open returns. */
	s->dev.status.state = DEV_STATE_ABSENT;
	s->dev.status.fault = KERR_NO_DEVICE;
	snprintf(s->dev.status.detail, sizeof(s->dev.status.detail), "not looked for yet");
	*ret = &s->dev;
	return KERR_OK;
}
