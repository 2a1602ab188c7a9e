/* Backend "serial" of the ID-card reader: GA/T 467 frames over a serial or USB-serial port (path
 * and speed from the configuration), driven by the reader loop. Polled like every backend: the port
 * is non-blocking, and while a reply is awaited the loop looks at the port every few milliseconds,
 * so no thread is needed and an idle reader costs nothing. */
#include "common/log.h"
#include "drivers/idcard.h"
#include "drivers/idcard_backend.h"
#include "drivers/idcard_reader.h"
#include "drivers/serial.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_PATH "/dev/ttyUSB0"
/* 1295 bytes at 9600 baud take 1.35 s: looking every 10 ms keeps the loop's delay below a byte's
 * worth at 115200 without spinning. */
#define LOOK_MS 10

struct idcard_serial {
	struct dev dev; /* first: the class layer casts */
	struct serial_port port;
	struct idcard_reader *reader;
};

static enum kerr port_send(void *ctx, const uint8_t *buf, size_t n)
{
	struct idcard_serial *s = ctx;
	enum kerr e;

	/* Opening here is how a port that vanished comes back: the loop probes it again. */
	e = serial_port_open(&s->port);
	if (e == KERR_OK)
		e = serial_port_write(&s->port, buf, n);
	if (e != KERR_OK)
		log_debug("idcard serial: %s", s->port.error);
	/* A port that exists but cannot be used is, for the kiosk, a reader that is not there. */
	return e == KERR_PERM || e == KERR_BUSY ? KERR_NO_DEVICE : e;
}

static enum kerr port_recv(void *ctx, uint8_t *buf, size_t cap, size_t *ret_n)
{
	struct idcard_serial *s = ctx;
	enum kerr e = serial_port_read(&s->port, buf, cap, ret_n);

	if (e != KERR_OK)
		log_debug("idcard serial: %s", s->port.error);
	return e;
}

static int64_t port_ready_at(void *ctx)
{
	struct idcard_serial *s = ctx;

	return clock_now_ms(s->dev.clock) + LOOK_MS;
}

static const char *port_error(void *ctx)
{
	return ((struct idcard_serial *)ctx)->port.error;
}

static void release(struct idcard_serial *s)
{
	idcard_reader_destroy(s->reader);
	serial_port_close(&s->port);
	free(s);
}

static void serial_destroy(struct dev *d)
{
	release((struct idcard_serial *)d);
}

static void serial_poll(struct dev *d, int64_t now)
{
	idcard_reader_poll(((struct idcard_serial *)d)->reader, now);
}

static int64_t serial_next_deadline(struct dev *d)
{
	return idcard_reader_next_deadline(((struct idcard_serial *)d)->reader);
}

static enum kerr serial_enable(struct dev *d, bool on)
{
	idcard_reader_enable(((struct idcard_serial *)d)->reader, on);
	return KERR_OK;
}

static enum kerr serial_control(struct dev *d, const char *cmd)
{
	(void)d;
	(void)cmd;
	return KERR_UNSUPPORTED;
}

static const struct idcard_ops serial_ops = {
	.base = {
		.name = "idcard-serial",
		.cls = DEV_IDCARD,
		.destroy = serial_destroy,
		.poll = serial_poll,
		.next_deadline = serial_next_deadline,
		.control = serial_control,
	},
	.enable = serial_enable,
};

enum kerr idcard_serial_open(const struct dev_config *cfg, const struct dev_sink *sink,
			     struct clock *clock, struct dev **ret)
{
	struct idcard_serial *s = calloc(1, sizeof(*s));
	struct idcard_transport t;
	enum kerr e;

	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &serial_ops.base, sink, clock);
	e = serial_port_init(&s->port, cfg->path[0] ? cfg->path : DEFAULT_PATH,
			     cfg->baud ? cfg->baud : 115200);
	if (e == KERR_OK) {
		t = (struct idcard_transport){
			.send = port_send,
			.recv = port_recv,
			.ready_at = port_ready_at,
			.error = port_error,
			.ctx = s,
		};
		/* The port is opened by the first probe: a reader plugged in later is found then.
		 */
		e = idcard_reader_create(&s->dev, &t, &s->reader);
	}
	if (e != KERR_OK) {
		release(s);
		return e;
	}
	*ret = &s->dev;
	return KERR_OK;
}
