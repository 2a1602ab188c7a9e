/* Backend "serial" of the evaluation keypad: a keypad on a serial or USB-serial port that sends a
 * line or a byte per key (keypad_line.h), mapped to levels by the configured protocol. Polled as
 * the HID backend: often while the evaluation screen is up, slowly otherwise (keys pressed then
 * are read and dropped), and a port that vanished is opened again every few seconds. */
#include "common/log.h"
#include "drivers/keypad.h"
#include "drivers/keypad_backend.h"
#include "drivers/keypad_line.h"
#include "drivers/serial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_PATH "/dev/ttyUSB0"
#define DEFAULT_BAUD 9600
#define LOOK_MS	     10
#define IDLE_LOOK_MS 250
#define REPROBE_MS   2000
#define DEBOUNCE_MS  40
/* Bytes handled per poll: a port that never stops talking cannot hold the kiosk's loop. */
#define BYTES_PER_POLL 1024

struct keypad_serial {
	struct dev dev; /* first: the class layer casts */
	struct serial_port port;
	struct keypad_serial_map map;
	struct keypad_line line;
	struct keypad_keys keys;
	bool enabled;
	int64_t probe_ms;
};

static void go_absent(struct keypad_serial *s, int64_t now, const char *why)
{
	serial_port_close(&s->port);
	s->probe_ms = now + REPROBE_MS;
	dev_set_status(&s->dev, DEV_STATE_ABSENT, KERR_NO_DEVICE, why);
}

static void probe(struct keypad_serial *s, int64_t now)
{
	enum kerr e = serial_port_open(&s->port);

	if (e != KERR_OK) {
		log_debug("keypad serial: %s", s->port.error);
		go_absent(s, now, s->port.error);
		return;
	}
	memset(&s->line, 0, sizeof(s->line));
	dev_set_status(&s->dev, DEV_STATE_READY, KERR_OK, "ready");
}

static void take(struct keypad_serial *s, uint8_t b, int64_t now)
{
	int level = -1;

	switch (keypad_line_push(&s->line, &s->map, b, &level)) {
	case KEYPAD_LINE_LEVEL:
		break;
	case KEYPAD_LINE_UNKNOWN:
		log_debug("keypad serial: a code that is no key of the map, ignored");
		return;
	case KEYPAD_LINE_MALFORMED:
		log_debug("keypad serial: a malformed line, ignored");
		return;
	case KEYPAD_LINE_NONE:
		return;
	}
	/* A serial keypad says "pressed" only: a press and its release, for the bounce rule. */
	level = keypad_keys_feed(&s->keys, 1u << level, now);
	keypad_keys_feed(&s->keys, 0, now);
	if (level < 0)
		return;
	if (!s->enabled) {
		log_debug("keypad serial: key %d dropped (not asking)", level);
		return;
	}
	dev_post(&s->dev, DEV_EV_KEY, KERR_OK, level, NULL, NULL);
}

static void serial_poll(struct dev *d, int64_t now)
{
	struct keypad_serial *s = (struct keypad_serial *)d;
	uint8_t buf[128];

	if (s->port.fd < 0) {
		if (now < s->probe_ms)
			return;
		probe(s, now);
		if (s->port.fd < 0)
			return;
	}
	for (size_t total = 0; total < BYTES_PER_POLL;) {
		size_t n = 0;
		enum kerr e = serial_port_read(&s->port, buf, sizeof(buf), &n);

		if (e != KERR_OK) {
			log_debug("keypad serial: %s", s->port.error);
			go_absent(s, now, "unplugged");
			return;
		}
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			take(s, buf[i], now);
		total += n;
	}
}

static int64_t serial_next_deadline(struct dev *d)
{
	struct keypad_serial *s = (struct keypad_serial *)d;

	if (s->port.fd < 0)
		return s->probe_ms;
	return clock_now_ms(d->clock) + (s->enabled ? LOOK_MS : IDLE_LOOK_MS);
}

static enum kerr serial_enable(struct dev *d, bool on)
{
	((struct keypad_serial *)d)->enabled = on;
	return KERR_OK;
}

static enum kerr serial_control(struct dev *d, const char *cmd)
{
	(void)d;
	(void)cmd;
	return KERR_UNSUPPORTED;
}

static void serial_destroy(struct dev *d)
{
	struct keypad_serial *s = (struct keypad_serial *)d;

	serial_port_close(&s->port);
	free(s);
}

static const struct keypad_ops serial_ops = {
	.base = {
		.name = "keypad-serial",
		.cls = DEV_KEYPAD,
		.destroy = serial_destroy,
		.poll = serial_poll,
		.next_deadline = serial_next_deadline,
		.control = serial_control,
	},
	.enable = serial_enable,
};

enum kerr keypad_serial_open(const struct dev_config *cfg, const struct dev_sink *sink,
			     struct clock *clock, struct dev **ret)
{
	struct keypad_serial_map map;
	struct keypad_serial *s;

	if (keypad_serial_map_parse(cfg->map, &map) != KERR_OK)
		return KERR_INVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &serial_ops.base, sink, clock);
	if (serial_port_init(&s->port, cfg->path[0] ? cfg->path : DEFAULT_PATH,
			     cfg->baud ? cfg->baud : DEFAULT_BAUD) != KERR_OK) {
		free(s);
		return KERR_INVAL;
	}
	s->map = map;
	keypad_keys_init(&s->keys, cfg->debounce_ms > 0 ? cfg->debounce_ms : DEBOUNCE_MS);
	s->probe_ms = clock_now_ms(clock);
	/* Set, not posted: nobody listens before open returns. */
	s->dev.status.state = DEV_STATE_ABSENT;
	s->dev.status.fault = KERR_NO_DEVICE;
	snprintf(s->dev.status.detail, sizeof(s->dev.status.detail), "not looked for yet");
	*ret = &s->dev;
	return KERR_OK;
}
