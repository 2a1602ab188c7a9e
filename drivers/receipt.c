/* The receipt printer class: picks the backend named in the configuration and forwards print jobs
 * to it. */
#include "drivers/receipt.h"

#include "drivers/receipt_backend.h"
#include "drivers/sim.h"

#include <assert.h>
#include <string.h>

static const struct {
	const char *name;
	enum kerr (*open)(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret);
} backends[] = {
	{ "sim", receipt_sim_open },
	{ "usb", receipt_usb_open },
};

enum kerr receipt_open(const struct dev_config *cfg, const struct dev_sink *sink,
		       struct clock *clock, struct dev **ret)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(cfg->backend, backends[i].name) == 0)
			return backends[i].open(cfg, sink, clock, ret);
	return KERR_INVAL;
}

enum kerr receipt_print(struct dev *d, const struct receipt_doc *doc, int *ret_job)
{
	const struct receipt_ops *ops = (const struct receipt_ops *)d->ops;

	assert(d->ops->cls == DEV_RECEIPT);
	if (!doc || (doc->n_lines && !doc->lines))
		return KERR_INVAL;
	return ops->print(d, doc, ret_job);
}
