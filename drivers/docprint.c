/* The A4 document printer class: picks the configured backend and forwards jobs to it. */
#include "drivers/docprint.h"

#include "drivers/docprint_ipp.h"
#include "drivers/sim.h"

#include <assert.h>
#include <string.h>

static const struct {
	const char *name;
	enum kerr (*open)(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret);
} backends[] = {
	{ "sim", docprint_sim_open },
	{ "ipp", docprint_ipp_open },
};

enum kerr docprint_open(const struct dev_config *cfg, const struct dev_sink *sink,
			struct clock *clock, struct dev **ret)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(cfg->backend, backends[i].name) == 0)
			return backends[i].open(cfg, sink, clock, ret);
	return KERR_INVAL;
}

enum kerr docprint_print_pdf(struct dev *d, const char *path, const char *title, int *ret_job)
{
	const struct docprint_ops *ops = (const struct docprint_ops *)d->ops;

	assert(d->ops->cls == DEV_DOCPRINT);
	if (!path || !path[0])
		return KERR_INVAL;
	return ops->print_pdf(d, path, title ? title : "", ret_job);
}
