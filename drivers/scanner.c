/* The scanner class: picks the backend named in the configuration; pages are personal data and
 * freed zeroed. */
#include "drivers/scanner.h"

#include "drivers/scanner_sane.h"
#include "drivers/scanner_v4l2.h"
#include "drivers/sim.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	enum kerr (*open)(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret);
} backends[] = {
	{ "sim", scanner_sim_open },
	{ "sane", scanner_sane_open },
	{ "v4l2", scanner_v4l2_open },
};

enum kerr scanner_open(const struct dev_config *cfg, const struct dev_sink *sink,
		       struct clock *clock, struct dev **ret)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(cfg->backend, backends[i].name) == 0)
			return backends[i].open(cfg, sink, clock, ret);
	return KERR_INVAL;
}

enum kerr scanner_start(struct dev *d, const struct scan_params *p)
{
	const struct scanner_ops *ops = (const struct scanner_ops *)d->ops;

	assert(d->ops->cls == DEV_SCANNER);
	if (!p || (unsigned)p->source >= SCAN_SOURCE__COUNT || p->dpi < 150 || p->dpi > 600)
		return KERR_INVAL;
	return ops->start(d, p);
}

void scanner_cancel(struct dev *d)
{
	const struct scanner_ops *ops = (const struct scanner_ops *)d->ops;

	assert(d->ops->cls == DEV_SCANNER);
	ops->cancel(d);
}

enum kerr scanner_preview(struct dev *d, const struct scan_preview *p)
{
	const struct scanner_ops *ops = (const struct scanner_ops *)d->ops;

	assert(d->ops->cls == DEV_SCANNER);
	if (!ops->preview)
		return p ? KERR_UNSUPPORTED : KERR_OK;
	if (p && (p->interval_ms < 20 || p->interval_ms > 2000 || p->max_w < 64 || p->max_w > 4096))
		return KERR_INVAL;
	return ops->preview(d, p);
}

void scan_page_free(void *page)
{
	struct scan_page *p = page;

	if (!p)
		return;
	if (p->pixels) {
		explicit_bzero(p->pixels,
			       (size_t)p->width * (size_t)p->height * (size_t)p->channels);
		free(p->pixels);
	}
	explicit_bzero(p, sizeof(*p));
	free(p);
}
