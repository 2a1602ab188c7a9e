/* The evaluation keypad class: picks the backend named in the configuration. */
#include "drivers/keypad.h"

#include "drivers/keypad_backend.h"
#include "drivers/sim.h"

#include <assert.h>
#include <string.h>

static const struct {
	const char *name;
	enum kerr (*open)(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret);
} backends[] = {
	{ "sim", keypad_sim_open },
	{ "hid", keypad_hid_open },
	{ "serial", keypad_serial_open },
};

enum kerr keypad_open(const struct dev_config *cfg, const struct dev_sink *sink,
		      struct clock *clock, struct dev **ret)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(cfg->backend, backends[i].name) == 0)
			return backends[i].open(cfg, sink, clock, ret);
	return KERR_INVAL;
}

enum kerr keypad_enable(struct dev *d, bool on)
{
	const struct keypad_ops *ops = (const struct keypad_ops *)d->ops;

	assert(d->ops->cls == DEV_KEYPAD);
	return ops->enable(d, on);
}
