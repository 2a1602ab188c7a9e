/* Backend "sim" of the ID-card reader: the simulated module (idcard_simreader) behind an in-process
 * transport, driven by the same reader loop a USB or serial backend uses. */
#include "common/log.h"
#include "drivers/idcard.h"
#include "drivers/idcard_reader.h"
#include "drivers/idcard_simreader.h"
#include "drivers/sim.h"

#include <stdlib.h>
#include <string.h>

/* Replies leave the module in pieces of a full-speed USB bulk packet, as real ones do. */
#define PACKET 64

struct idcard_sim {
	struct dev dev; /* first: the class layer casts */
	struct idcard_simreader *mod;
	bool plugged;
	struct idcard_reader *reader;
};

static enum kerr mod_send(void *ctx, const uint8_t *buf, size_t n)
{
	struct idcard_sim *s = ctx;

	if (!s->plugged)
		return KERR_NO_DEVICE;
	idcard_simreader_write(s->mod, buf, n);
	return KERR_OK;
}

static enum kerr mod_recv(void *ctx, uint8_t *buf, size_t cap, size_t *ret_n)
{
	struct idcard_sim *s = ctx;

	if (!s->plugged)
		return KERR_NO_DEVICE;
	*ret_n = idcard_simreader_read(s->mod, buf, cap < PACKET ? cap : PACKET);
	return KERR_OK;
}

static int64_t mod_ready_at(void *ctx)
{
	struct idcard_sim *s = ctx;

	return idcard_simreader_ready_at(s->mod);
}

static void release(struct idcard_sim *s)
{
	idcard_reader_destroy(s->reader);
	idcard_simreader_destroy(s->mod);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

static void sim_destroy(struct dev *d)
{
	release((struct idcard_sim *)d);
}

static void sim_poll(struct dev *d, int64_t now)
{
	idcard_reader_poll(((struct idcard_sim *)d)->reader, now);
}

static int64_t sim_next_deadline(struct dev *d)
{
	return idcard_reader_next_deadline(((struct idcard_sim *)d)->reader);
}

static enum kerr sim_enable(struct dev *d, bool on)
{
	idcard_reader_enable(((struct idcard_sim *)d)->reader, on);
	return KERR_OK;
}

static enum kerr sim_control(struct dev *d, const char *cmd)
{
	struct idcard_sim *s = (struct idcard_sim *)d;

	log_debug("idcard sim: %s", cmd);
	if (strcmp(cmd, "unplug") == 0) {
		if (s->plugged) {
			s->plugged = false;
			idcard_simreader_drop_link(s->mod);
			idcard_reader_hotplug(s->reader, false);
		}
		return KERR_OK;
	}
	if (strcmp(cmd, "plug") == 0) {
		if (!s->plugged) {
			s->plugged = true;
			idcard_reader_hotplug(s->reader, true);
		}
		return KERR_OK;
	}
	return idcard_simreader_control(s->mod, cmd);
}

static const struct idcard_ops sim_ops = {
	.base = {
		.name = "idcard-sim",
		.cls = DEV_IDCARD,
		.destroy = sim_destroy,
		.poll = sim_poll,
		.next_deadline = sim_next_deadline,
		.control = sim_control,
	},
	.enable = sim_enable,
};

enum kerr idcard_sim_open(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret)
{
	struct idcard_sim *s = calloc(1, sizeof(*s));
	struct idcard_transport t;
	enum kerr e;

	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &sim_ops.base, sink, clock);
	s->plugged = true;
	e = idcard_simreader_create(clock, cfg->latency_ms, &s->mod);
	if (e == KERR_OK) {
		t = (struct idcard_transport){
			.send = mod_send,
			.recv = mod_recv,
			.ready_at = mod_ready_at,
			.ctx = s,
		};
		e = idcard_reader_create(&s->dev, &t, &s->reader);
	}
	if (e != KERR_OK) {
		release(s);
		return e;
	}
	*ret = &s->dev;
	return KERR_OK;
}
