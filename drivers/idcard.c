/* The ID-card reader class: picks the backend named in the configuration and forwards class
 * requests to it. */
#include "drivers/idcard.h"

#include "drivers/idcard_backend.h"
#include "drivers/sim.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	enum kerr (*open)(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret);
} backends[] = {
	{ "sim", idcard_sim_open },
	{ "serial", idcard_serial_open },
	{ "usb", idcard_usb_open },
};

static const char *const type_names[IDCARD__COUNT] = {
	[IDCARD_RESIDENT] = "RESIDENT",
	[IDCARD_HMT_PERMIT] = "HMT_PERMIT",
	[IDCARD_FOREIGN_2017] = "FOREIGN_2017",
	[IDCARD_FOREIGN_2023] = "FOREIGN_2023",
};

enum kerr idcard_open(const struct dev_config *cfg, const struct dev_sink *sink,
		      struct clock *clock, struct dev **ret)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(cfg->backend, backends[i].name) == 0)
			return backends[i].open(cfg, sink, clock, ret);
	return KERR_INVAL;
}

enum kerr idcard_enable(struct dev *d, bool on)
{
	const struct idcard_ops *ops = (const struct idcard_ops *)d->ops;

	assert(d->ops->cls == DEV_IDCARD);
	return ops->enable(d, on);
}

void idcard_data_free(void *data)
{
	if (!data)
		return;
	explicit_bzero(data, sizeof(struct idcard_data));
	free(data);
}

const char *idcard_type_str(enum idcard_type t)
{
	return (unsigned)t < IDCARD__COUNT ? type_names[t] : "UNKNOWN";
}
