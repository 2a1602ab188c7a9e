/* Backend "usb" of the ID-card reader: GA/T 467 frames over USB bulk endpoints, the reader found by
 * VID:PID (the table below plus idcard.usb_ids), driven by the reader loop. Polled like the serial
 * backend: reads never wait, and a reader that was unplugged is looked for again at each probe, or
 * at once when libusb's hot-plug notices say it is back. */
#include "common/log.h"
#include "drivers/idcard.h"
#include "drivers/idcard_backend.h"
#include "drivers/idcard_reader.h"
#include "drivers/usb.h"

#include <stdlib.h>
#include <string.h>

/* A full-speed packet takes 1 ms on the bus; looking every 5 ms keeps a 1295-byte reply quick. */
#define LOOK_MS 5

/* Readers known to speak GA/T 467 over vendor-class bulk endpoints. */
static const struct usb_id known_ids[] = {
	{ 0x0400, 0xc35a },
};

struct idcard_usb {
	struct dev dev; /* first: the class layer casts */
	struct usb_bulk *pipe;
	struct idcard_reader *reader;
};

static enum kerr pipe_send(void *ctx, const uint8_t *buf, size_t n)
{
	struct idcard_usb *s = ctx;
	enum kerr e = usb_bulk_open(s->pipe);

	if (e == KERR_OK)
		e = usb_bulk_write(s->pipe, buf, n);
	if (e != KERR_OK)
		log_debug("idcard usb: %s", usb_bulk_error(s->pipe));
	/* Found but unusable (no access, claimed by another program, wrong endpoints) is, for the
	 * kiosk, a reader that is not there; the detail says why. */
	return e == KERR_PERM || e == KERR_BUSY || e == KERR_PROTO ? KERR_NO_DEVICE : e;
}

static enum kerr pipe_recv(void *ctx, uint8_t *buf, size_t cap, size_t *ret_n)
{
	struct idcard_usb *s = ctx;

	return usb_bulk_read(s->pipe, buf, cap, ret_n);
}

static int64_t pipe_ready_at(void *ctx)
{
	struct idcard_usb *s = ctx;

	return clock_now_ms(s->dev.clock) + LOOK_MS;
}

static const char *pipe_error(void *ctx)
{
	return usb_bulk_error(((struct idcard_usb *)ctx)->pipe);
}

static void release(struct idcard_usb *s)
{
	idcard_reader_destroy(s->reader);
	usb_bulk_destroy(s->pipe);
	free(s);
}

static void usb_destroy(struct dev *d)
{
	release((struct idcard_usb *)d);
}

static void usb_poll(struct dev *d, int64_t now)
{
	struct idcard_usb *s = (struct idcard_usb *)d;

	/* Hot-plug notices where libusb has them; otherwise the reader's probe every
	 * IDCARD_REPROBE_MS finds a reader plugged back, and a failed transfer one that left. */
	switch (usb_bulk_hotplug(s->pipe)) {
	case USB_PLUG_LEFT:
		idcard_reader_hotplug(s->reader, false);
		break;
	case USB_PLUG_ARRIVED:
		idcard_reader_hotplug(s->reader, true);
		break;
	case USB_PLUG_NONE:
		break;
	}
	idcard_reader_poll(s->reader, now);
}

static int64_t usb_next_deadline(struct dev *d)
{
	return idcard_reader_next_deadline(((struct idcard_usb *)d)->reader);
}

static enum kerr usb_enable(struct dev *d, bool on)
{
	idcard_reader_enable(((struct idcard_usb *)d)->reader, on);
	return KERR_OK;
}

static enum kerr usb_control(struct dev *d, const char *cmd)
{
	(void)d;
	(void)cmd;
	return KERR_UNSUPPORTED;
}

static const struct idcard_ops usb_ops = {
	.base = {
		.name = "idcard-usb",
		.cls = DEV_IDCARD,
		.destroy = usb_destroy,
		.poll = usb_poll,
		.next_deadline = usb_next_deadline,
		.control = usb_control,
	},
	.enable = usb_enable,
};

enum kerr idcard_usb_open(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret)
{
	struct usb_id ids[USB_IDS_MAX];
	size_t n = sizeof(known_ids) / sizeof(known_ids[0]);
	struct idcard_usb *s;
	struct idcard_transport t;
	uint8_t ep_in, ep_out;
	enum kerr e;

	memcpy(ids, known_ids, sizeof(known_ids));
	e = usb_ids_parse(cfg->usb_ids, ids, USB_IDS_MAX, &n);
	if (e == KERR_OK)
		e = usb_endpoints_parse(cfg->usb_endpoints, &ep_in, &ep_out);
	if (e != KERR_OK)
		return KERR_INVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &usb_ops.base, sink, clock);
	e = usb_bulk_create(ids, n, ep_in, ep_out, &s->pipe);
	if (e == KERR_OK) {
		t = (struct idcard_transport){
			.send = pipe_send,
			.recv = pipe_recv,
			.ready_at = pipe_ready_at,
			.error = pipe_error,
			.ctx = s,
		};
		/* The first probe opens the pipe: a reader plugged in later is found then. */
		e = idcard_reader_create(&s->dev, &t, &s->reader);
	}
	if (e != KERR_OK) {
		release(s);
		return e;
	}
	*ret = &s->dev;
	return KERR_OK;
}
